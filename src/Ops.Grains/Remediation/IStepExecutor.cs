using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Remediation;

/// <summary>Runs one runbook step against the outside world: an HTTP call, an allow-listed command, a rollback hook.</summary>
/// <remarks>
/// Every effect carries <see cref="StepContext.IdempotencyKey"/> (the <c>Idempotency-Key</c> header, the
/// <c>OPS_IDEMPOTENCY_KEY</c> variable), the same on every retry, so a target that honours it applies the step once
/// however often the executor (or a replay of the agent) calls it.
/// </remarks>
public interface IStepExecutor
{
    /// <summary>
    /// Runs <paramref name="step"/> and reports how it went. A failure of the step (non-2xx answer, non-zero exit,
    /// timeout, open circuit, a command that is not allow-listed, a template that cannot be filled) is a failed
    /// <see cref="StepOutcome"/>, never an exception; only cancellation of <paramref name="cancellationToken"/> throws
    /// (<see cref="OperationCanceledException"/>).
    /// </summary>
    Task<StepOutcome> RunAsync(RunbookStep step, StepContext context, CancellationToken cancellationToken);
}
