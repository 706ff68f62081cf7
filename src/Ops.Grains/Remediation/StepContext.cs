using Ops.Contracts.Catalog;

namespace Ops.Grains.Remediation;

/// <summary>What a step runs for: the product and symptom whose values fill its templates, and its idempotency key.</summary>
public sealed record StepContext
{
    /// <summary>The product the step acts on (<c>{{product}}</c>, <c>OPS_PRODUCT</c>).</summary>
    public required string Product { get; init; }

    /// <summary>
    /// Identifies this effect: sent as <c>Idempotency-Key</c> (HTTP) or <c>OPS_IDEMPOTENCY_KEY</c> (commands), the same
    /// on every attempt. The caller derives it from the run and step so a replay reuses it.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The symptom's labels (<c>{{label.NAME}}</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The symptom's fingerprint (<c>{{fingerprint}}</c>).</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The product's rollback hook, used by <see cref="StepKind.Rollback"/> steps; null = the product has none.</summary>
    public HttpCallSpec? RollbackHook { get; init; }

    /// <summary>A diagnostic step looks and never changes anything: the executor refuses rollback steps when this is set.</summary>
    public bool IsDiagnostic { get; init; }
}
