namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The names of the meters and activity sources Ops.Orleans publishes: what an exporter subscribes to. Each name is
/// both a <see cref="System.Diagnostics.Metrics.Meter"/> and an <see cref="System.Diagnostics.ActivitySource"/>.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The silo: activations, grain turns and calls, the durable inbox, partition leases.</summary>
    public const string Runtime = "Ops.Runtime";

    /// <summary>The gateway's ingest adapters: requests accepted and rejected.</summary>
    public const string Ingest = "Ops.Ingest";

    /// <summary>The ops loop: remediation runs and their calls, pages, notification deliveries.</summary>
    public const string Loop = "Ops.Loop";

    /// <summary>Every meter and activity source of Ops.Orleans.</summary>
    public static IReadOnlyList<string> All { get; } = [Runtime, Ingest, Loop];
}
