using System.Globalization;
using System.Text.RegularExpressions;

namespace Ops.Catalog;

/// <summary>
/// Durations as the catalog writes them: Go / Prometheus style unit sequences (<c>250ms</c>, <c>30s</c>, <c>5m</c>,
/// <c>1h30m</c>, <c>1d</c>; units in decreasing order, each at most once) or .NET's constant format
/// (<c>00:05:00</c>, <c>1.00:00:00</c>). A bare number is rejected: the unit must be explicit.
/// </summary>
public static partial class CatalogDuration
{
    [GeneratedRegex(@"^(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?(?:(?<ms>\d+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPattern();

    /// <summary>Parses <paramref name="text"/>; false when it is neither form (or is negative, or overflows).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var match = UnitPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        try
        {
            checked
            {
                long milliseconds = Part(match, "d") * 86_400_000L + Part(match, "h") * 3_600_000L + Part(match, "m") * 60_000L
                    + Part(match, "s") * 1_000L + Part(match, "ms");
                duration = TimeSpan.FromMilliseconds(milliseconds);
                return true;
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The shortest unit form of <paramref name="duration"/> (<c>1h30m</c>, <c>250ms</c>, <c>0s</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return duration == TimeSpan.Zero ? "0s" : duration.ToString("c", CultureInfo.InvariantCulture);
        }

        var text = new System.Text.StringBuilder();
        Append(text, duration.Days, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        Append(text, duration.Milliseconds, "ms");
        return text.Length == 0 ? duration.ToString("c", CultureInfo.InvariantCulture) : text.ToString();
    }

    private static long Part(Match match, string unit) =>
        match.Groups[unit].Success ? long.Parse(match.Groups[unit].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static void Append(System.Text.StringBuilder text, int value, string unit)
    {
        if (value > 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
