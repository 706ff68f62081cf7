using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Ops.Gateway.Ingest;

/// <summary>
/// The <c>?interval=</c> of a heartbeat: how often the source promises to beat. Accepted forms: a Prometheus
/// duration (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>, <c>500ms</c>; units y w d h m s ms), ISO 8601
/// (<c>PT30S</c>), a .NET TimeSpan (<c>00:00:30</c>) or a bare number of seconds (<c>30</c>); between
/// <see cref="Min"/> and <see cref="Max"/>.
/// </summary>
internal static partial class HeartbeatInterval
{
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    /// <summary>The interval <paramref name="text"/> denotes, or the reason it is not one.</summary>
    public static bool TryParse(string text, out TimeSpan interval, out string? problem)
    {
        interval = default;
        problem = null;
        var parsed = ParseAny(text.Trim());
        if (parsed is null)
        {
            problem = $"Expected a duration like \"30s\", \"5m\", \"1h\", \"PT30S\" or \"00:00:30\", found \"{text}\".";
            return false;
        }

        if (parsed < Min || parsed > Max)
        {
            problem = $"Expected a duration between {Min} and {Max}, found {parsed}.";
            return false;
        }

        interval = parsed.Value;
        return true;
    }

    private static TimeSpan? ParseAny(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) && Math.Abs(seconds) < Max.TotalSeconds * 2 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (PrometheusDuration().Match(text) is { Success: true } match)
        {
            return FromPrometheus(match);
        }

        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                return XmlConvert.ToTimeSpan(text);
            }
            catch (Exception exception) when (exception is FormatException or OverflowException)
            {
                return null;
            }
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    private static TimeSpan? FromPrometheus(Match match)
    {
        (string Group, double Seconds)[] units = [("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1), ("ms", 0.001)];
        var total = 0.0;
        foreach (var (group, unitSeconds) in units)
        {
            if (match.Groups[group] is { Success: true } value)
            {
                total += long.Parse(value.Value, CultureInfo.InvariantCulture) * unitSeconds;
            }
        }

        return total < Max.TotalSeconds * 2 ? TimeSpan.FromSeconds(total) : null;
    }

    [GeneratedRegex(@"^(?:(?<y>\d{1,6})y)?(?:(?<w>\d{1,6})w)?(?:(?<d>\d{1,6})d)?(?:(?<h>\d{1,6})h)?(?:(?<m>\d{1,6})m)?(?:(?<s>\d{1,6})s)?(?:(?<ms>\d{1,9})ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PrometheusDuration();
}
