using System.Text.RegularExpressions;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Agents;

/// <summary>Decides whether a runbook applies to a symptom occurrence: layer, labels (globs), fingerprint glob, severity.</summary>
public static class RunbookMatcher
{
    public static bool Matches(RunbookSpec runbook, SymptomOccurrence occurrence)
    {
        var match = runbook.Match;
        if (match.Layer is { } layer && layer != occurrence.Layer)
        {
            return false;
        }

        if (match.Severities.Count > 0 && !match.Severities.Contains(occurrence.Severity))
        {
            return false;
        }

        if (match.Fingerprint is { } fingerprint && !Glob(fingerprint, occurrence.Fingerprint))
        {
            return false;
        }

        foreach (var (name, pattern) in match.Labels)
        {
            if (!occurrence.Labels.TryGetValue(name, out var value) || !Glob(pattern, value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>More specific runbooks first (more label matchers, a fingerprint), then the newest version.</summary>
    public static int Specificity(RunbookSpec runbook) =>
        (runbook.Match.Labels.Count * 4) + (runbook.Match.Fingerprint is null ? 0 : 2) + (runbook.Match.Layer is null ? 0 : 1);

    /// <summary><c>*</c> any run of characters, <c>?</c> one character, everything else literal; the whole value must match.</summary>
    public static bool Glob(string pattern, string value)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, regex, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
    }
}
