using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Agents;

/// <summary>
/// The rule of three: a human fix is reduced to a signature (kind, target and parameters with the occurrence's
/// volatile label values replaced by templates) and counted per symptom class (layer + non-volatile labels);
/// equivalent fixes for the same class are the same ledger entry, and the third one proposes a runbook version.
/// </summary>
public static class RuleOfThree
{
    /// <summary>The fix kinds a human can record; <c>manual</c> is counted but cannot be promoted.</summary>
    public static readonly IReadOnlySet<string> FixKinds = new HashSet<string>(StringComparer.Ordinal) { "http", "command", "rollback", "manual" };

    /// <summary>The symptom class of <paramref name="occurrence"/> and its labels (volatile ones removed).</summary>
    public static (string Key, Dictionary<string, string> Labels) SymptomClass(SymptomOccurrence occurrence, IReadOnlyCollection<string> volatileLabels)
    {
        var labels = occurrence.Labels
            .Where(l => !volatileLabels.Contains(l.Key))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        var key = new StringBuilder(occurrence.Layer.ToString());
        foreach (var (name, value) in labels)
        {
            key.Append('|').Append(name).Append('=').Append(value);
        }

        if (labels.Count == 0)
        {
            key.Append("|fingerprint=").Append(occurrence.Fingerprint);
        }

        return (key.ToString(), labels);
    }

    /// <summary>
    /// The fix with the occurrence's volatile label values replaced by <c>{{label.NAME}}</c>: only where a value
    /// stands as a whole token (not inside a longer run of letters and digits) and is at least two characters
    /// long, so <c>instance="1"</c> never rewrites the 1s of an address.
    /// </summary>
    public static StructuredFix Templatize(StructuredFix fix, SymptomOccurrence occurrence, IReadOnlyCollection<string> volatileLabels)
    {
        var replacements = occurrence.Labels
            .Where(l => volatileLabels.Contains(l.Key) && l.Value.Length >= 2)
            .OrderByDescending(l => l.Value.Length)
            .Select(l => (Pattern: new Regex($"(?<![A-Za-z0-9]){Regex.Escape(l.Value)}(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)), Template: "{{label." + l.Key + "}}"))
            .ToList();

        string Template(string text)
        {
            foreach (var (pattern, template) in replacements)
            {
                text = pattern.Replace(text, template.Replace("$", "$$", StringComparison.Ordinal));
            }

            return text;
        }

        return fix with
        {
            Target = Template(fix.Target),
            Parameters = fix.Parameters
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => Template(p.Value), StringComparer.Ordinal),
            Text = null,
        };
    }

    /// <summary>Equal for equivalent fixes (kind, templated target, templated parameters).</summary>
    public static string Signature(StructuredFix templated)
    {
        var signature = new StringBuilder(templated.Kind).Append(' ').Append(templated.Target);
        foreach (var (name, value) in templated.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            signature.Append(' ').Append(name).Append('=').Append(value);
        }

        return signature.ToString();
    }

    /// <summary>The runbook step that applies <paramref name="fix"/>, or null for a fix that cannot be automated.</summary>
    public static RunbookStep? ToStep(StructuredFix fix) => fix.Kind switch
    {
        "http" => new RunbookStep
        {
            Name = "promoted-http",
            Kind = StepKind.Http,
            Http = new HttpCallSpec
            {
                Url = fix.Target,
                Method = fix.Parameters.TryGetValue("method", out var method) ? method.ToUpperInvariant() : "POST",
                Body = fix.Parameters.TryGetValue("body", out var body) ? body : null,
            },
        },
        "command" => new RunbookStep
        {
            Name = "promoted-command",
            Kind = StepKind.Command,
            Command = fix.Target,
            Arguments = [.. fix.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)],
        },
        "rollback" => new RunbookStep { Name = "promoted-rollback", Kind = StepKind.Rollback },
        _ => null,
    };

    /// <summary>A runbook name for a promoted fix: <c>promoted-{alertname or class}-{kind}</c>.</summary>
    public static string RunbookName(IReadOnlyDictionary<string, string> classLabels, StructuredFix fix)
    {
        var basis = classLabels.TryGetValue("alertname", out var alertname) ? alertname : string.Join('-', classLabels.Values);
        var slug = new StringBuilder();
        foreach (var c in basis.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var name = $"promoted-{slug.ToString().Trim('-')}-{fix.Kind}";
        return name.Length > 80 ? name[..80] : name;
    }

    internal static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
