using System.Globalization;
using System.Text;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>Reads samples back out of a text exposition (enough of the format to check our own output).</summary>
public static class ExpositionText
{
    /// <summary>The value of the sample <paramref name="name"/> with exactly <paramref name="labels"/>, or null.</summary>
    public static double? Sample(string text, string name, params (string Key, string Value)[] labels)
    {
        var wanted = labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
        foreach (var (sampleName, sampleLabels, value) in Samples(text))
        {
            if (sampleName == name && sampleLabels.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(wanted))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every sample line: name, labels (unescaped), value.</summary>
    public static IEnumerable<(string Name, List<(string Key, string Value)> Labels, double Value)> Samples(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new List<(string Key, string Value)>();
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 && brace < space ? line[..brace] : line[..space];
            if (brace >= 0 && brace < space)
            {
                var i = brace + 1;
                while (line[i] != '}')
                {
                    var equals = line.IndexOf('=', i);
                    var key = line[i..equals];
                    i = equals + 2;
                    var value = new StringBuilder();
                    while (line[i] != '"')
                    {
                        if (line[i] == '\\')
                        {
                            i++;
                            value.Append(line[i] == 'n' ? '\n' : line[i]);
                        }
                        else
                        {
                            value.Append(line[i]);
                        }

                        i++;
                    }

                    labels.Add((key, value.ToString()));
                    i++;
                    if (line[i] == ',')
                    {
                        i++;
                    }
                }
            }

            var number = line[(space + 1)..];
            yield return (name, labels, number switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(number, CultureInfo.InvariantCulture),
            });
        }
    }
}
