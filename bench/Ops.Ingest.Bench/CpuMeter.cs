using System.Diagnostics;
using System.Globalization;

namespace Ops.Ingest.Bench;

/// <summary>CPU used (in cores) by this process and optionally another one (by pid, read from /proc) over an interval.</summary>
internal sealed class CpuMeter
{
    private readonly int? _otherPid;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _self = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _other;

    public CpuMeter(int? otherPid = null)
    {
        _otherPid = otherPid;
        _other = OtherCpu();
    }

    /// <summary>Cores used by this process (client and, for our silo, the server) since the meter started.</summary>
    public double SelfCores => (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalSeconds / Elapsed;

    /// <summary>Cores used by the other process since the meter started (0 without one).</summary>
    public double OtherCores => (OtherCpu() - _other).TotalSeconds / Elapsed;

    private double Elapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    private TimeSpan OtherCpu()
    {
        if (_otherPid is not { } pid)
        {
            return TimeSpan.Zero;
        }

        // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
