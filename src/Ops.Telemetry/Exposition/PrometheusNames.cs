using System.Text;

namespace Ops.Telemetry.Exposition;

/// <summary>
/// OpenTelemetry names to Prometheus names, as the OpenTelemetry "Prometheus and OpenMetrics compatibility" rules
/// say: characters outside <c>[a-zA-Z0-9_]</c> become <c>_</c> (so <c>ops.grain.calls</c> is <c>ops_grain_calls</c>),
/// runs of <c>_</c> collapse, a leading digit gets a prefix; the unit is spelled out as a suffix
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, annotations such as <c>{record}</c> dropped); counters end
/// in <c>_total</c> and nothing else does.
/// </summary>
internal static class PrometheusNames
{
    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tebibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> s_perUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>The Prometheus metric name of an instrument (for histograms: the base of _bucket, _sum, _count).</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrumentName);
        if (name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal) && name != suffix)
        {
            name = name + "_" + suffix;
        }

        return kind == MetricKind.Counter ? name + "_total" : name;
    }

    /// <summary>The Prometheus label name of a tag: invalid characters to <c>_</c>; never starting with a digit or <c>__</c>.</summary>
    public static string LabelName(string tag)
    {
        var name = Sanitize(tag);
        return name.StartsWith('_') && tag.StartsWith("__", StringComparison.Ordinal) ? "key" + name : name;
    }

    /// <summary>The unit spelled out (<c>s</c> → <c>seconds</c>, <c>By/s</c> → <c>bytes_per_second</c>); empty for none or an annotation.</summary>
    public static string UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var plain = StripAnnotations(unit).Trim();
        if (plain.Length == 0)
        {
            return "";
        }

        if (plain == "1")
        {
            return kind == MetricKind.Gauge ? "ratio" : "";
        }

        var slash = plain.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Sanitize(s_units.GetValueOrDefault(plain) ?? plain).Trim('_');
        }

        var numerator = plain[..slash];
        var denominator = plain[(slash + 1)..];
        var top = numerator.Length == 0 ? "" : s_units.GetValueOrDefault(numerator) ?? numerator;
        var bottom = s_perUnits.GetValueOrDefault(denominator) ?? denominator;
        return Sanitize(top.Length == 0 ? "per_" + bottom : top + "_per_" + bottom).Trim('_');
    }

    /// <summary>Characters outside <c>[a-zA-Z0-9_]</c> to <c>_</c>, runs of <c>_</c> to one, a leading digit prefixed with <c>_</c>.</summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string StripAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
