using System.Globalization;

namespace Ops.Ingest.Bench;

/// <summary>The command line: <c>[--runs N] [--seconds S] [--dialect sqlite|postgres] [--novel F] ...</c> (see Program.cs and bench/README.md).</summary>
internal sealed class BenchOptions
{
    private BenchOptions(string[] args) => Args = args;

    /// <summary>Measured runs per figure; the median is reported. Default 3.</summary>
    public int Runs { get; private init; }

    /// <summary>Length of one accept run. Default 5 s.</summary>
    public TimeSpan RunLength { get; private init; }

    /// <summary>Concurrent HTTP connections (and sending loops). Default 16.</summary>
    public int Connections { get; private init; }

    /// <summary>sqlite (default) or postgres (needs OPS_TEST_POSTGRES).</summary>
    public string Dialect { get; private init; } = "sqlite";

    /// <summary>The share of alerts that are <c>BenchNovel</c> (no runbook: incident and page). Default 0.1.</summary>
    public double NovelFraction { get; private init; }

    /// <summary>Length of the latency phase's sending. Default 10 s.</summary>
    public TimeSpan LatencyLength { get; private init; }

    /// <summary>
    /// Alerts/s of the latency phase; 0 (default) = half of each measured batch-1 accept rate (loop running, storing
    /// only), one latency run per rate.
    /// </summary>
    public double LatencyRate { get; private init; }

    /// <summary>How long the latency phase waits for the loop to catch up after sending. Default 60 s.</summary>
    public TimeSpan DrainLimit { get; private init; }

    /// <summary>Which phases run: accept, latency or all (default).</summary>
    public string Phases { get; private init; } = "all";

    /// <summary>
    /// Which servers the accept phase measures: <c>loop</c> (our silo, loop running), <c>store</c> (our silo storing
    /// without delivering, Inbox:Deliver=false), <c>alertmanager</c>; default all three.
    /// </summary>
    public string Servers { get; private init; } = "loop,store,alertmanager";

    private string[] Args { get; }

    public static BenchOptions Parse(string[] args)
    {
        var parser = new BenchOptions(args);
        return new BenchOptions(args)
        {
            Runs = parser.Int("--runs", 3),
            RunLength = TimeSpan.FromSeconds(parser.Double("--seconds", 5)),
            Connections = parser.Int("--connections", 16),
            Dialect = parser.String("--dialect", "sqlite") is "postgres" or "postgresql" ? "postgres" : "sqlite",
            NovelFraction = parser.Double("--novel", 0.1),
            LatencyLength = TimeSpan.FromSeconds(parser.Double("--latency-seconds", 10)),
            LatencyRate = parser.Double("--latency-rate", 0),
            DrainLimit = TimeSpan.FromSeconds(parser.Double("--drain-seconds", 60)),
            Phases = parser.String("--phases", "all"),
            Servers = parser.String("--servers", "loop,store,alertmanager"),
        };
    }

    /// <summary>Whether <paramref name="phase"/> is among <see cref="Phases"/>.</summary>
    public bool Includes(string phase) => Phases == "all" || Phases.Split(',').Contains(phase);

    /// <summary>Whether the accept phase measures <paramref name="server"/> (see <see cref="Servers"/>).</summary>
    public bool Measures(string server) => Servers.Split(',').Contains(server);

    private string String(string name, string fallback)
    {
        var index = Array.IndexOf(Args, name);
        return index >= 0 && index + 1 < Args.Length ? Args[index + 1] : fallback;
    }

    private int Int(string name, int fallback) => int.Parse(String(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private double Double(string name, double fallback) => double.Parse(String(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
