using System.Globalization;
using System.Text;

namespace Ops.Telemetry.Exposition;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4: per family one <c># HELP</c> and one
/// <c># TYPE</c> line, then its samples; counters named <c>..._total</c>; histograms as cumulative
/// <c>_bucket{le="..."}</c> series ending with <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c>; label values
/// escaped (backslash, double quote, newline), HELP text escaped (backslash, newline). No timestamps: the scraper
/// stamps the samples.
/// </summary>
internal static class PrometheusTextWriter
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition of <paramref name="families"/>, families in name order.</summary>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        var builder = new StringBuilder();
        Write(builder, families);
        return builder.ToString();
    }

    /// <summary>Appends the exposition of <paramref name="families"/> to <paramref name="output"/>.</summary>
    /// <remarks>
    /// Families whose Prometheus names collide (two meters with an instrument of the same name) are merged when their
    /// kinds agree (the first HELP wins) and the later one is left out when they do not: a name may appear only once.
    /// Families without series are left out.
    /// </remarks>
    public static void Write(StringBuilder output, IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(families);
        var byName = new SortedDictionary<string, (MetricFamily Family, List<MetricSeries> Series)>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            if (family.Series.Count == 0)
            {
                continue;
            }

            var name = PrometheusNames.MetricName(family.Name, family.Unit, family.Kind);
            if (byName.TryGetValue(name, out var existing))
            {
                if (existing.Family.Kind == family.Kind)
                {
                    existing.Series.AddRange(family.Series);
                }

                continue;
            }

            byName[name] = (family, [.. family.Series]);
        }

        foreach (var (name, (family, series)) in byName)
        {
            var help = string.IsNullOrWhiteSpace(family.Description) ? $"{family.Name} ({family.Unit ?? "no unit"})" : family.Description;
            output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            output.Append("# TYPE ").Append(name).Append(' ').Append(family.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var sample in series)
            {
                if (family.Kind == MetricKind.Histogram)
                {
                    WriteHistogram(output, name, sample);
                }
                else
                {
                    WriteSample(output, name, sample.Labels, null, sample.Value);
                }
            }
        }
    }

    /// <summary>A label value escaped for the text format: <c>\</c> → <c>\\</c>, <c>"</c> → <c>\"</c>, newline → <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>HELP text escaped for the text format: <c>\</c> → <c>\\</c>, newline → <c>\n</c>.</summary>
    public static string EscapeHelp(string help)
    {
        ArgumentNullException.ThrowIfNull(help);
        return help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
    }

    /// <summary>A sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(StringBuilder output, string name, MetricSeries sample)
    {
        var histogram = sample.Histogram ?? new HistogramValue([], [0], 0);
        long cumulative = 0;
        for (var i = 0; i < histogram.Bounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            WriteSample(output, name + "_bucket", sample.Labels, FormatValue(histogram.Bounds[i]), cumulative);
        }

        cumulative += histogram.Counts.Count > histogram.Bounds.Count ? histogram.Counts[histogram.Bounds.Count] : 0;
        WriteSample(output, name + "_bucket", sample.Labels, "+Inf", cumulative);
        WriteSample(output, name + "_sum", sample.Labels, null, histogram.Sum);
        WriteSample(output, name + "_count", sample.Labels, null, cumulative);
    }

    private static void WriteSample(StringBuilder output, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        output.Append(name);
        var open = false;
        foreach (var (key, labelValue) in MergeLabels(labels, le is not null))
        {
            output.Append(open ? ',' : '{');
            open = true;
            output.Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
        }

        if (le is not null)
        {
            output.Append(open ? ',' : '{').Append("le=\"").Append(le).Append('"');
            open = true;
        }

        if (open)
        {
            output.Append('}');
        }

        output.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>
    /// Labels under their Prometheus names; tags that sanitize to the same name are joined with <c>;</c> (in tag
    /// order), and a histogram's own <c>le</c> tag is renamed <c>key_le</c> so the bucket bound stays unambiguous.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> MergeLabels(IReadOnlyList<KeyValuePair<string, string>> labels, bool histogram)
    {
        var merged = new List<KeyValuePair<string, string>>(labels.Count);
        foreach (var (tag, value) in labels)
        {
            var name = PrometheusNames.LabelName(tag);
            if (histogram && name == "le")
            {
                name = "key_le";
            }

            var index = merged.FindIndex(l => l.Key == name);
            if (index < 0)
            {
                merged.Add(new(name, value));
            }
            else
            {
                merged[index] = new(name, merged[index].Value + ";" + value);
            }
        }

        return merged;
    }
}
