using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ops.Grains.Remediation;

/// <summary>Where a filled-in value lands, which decides how it is escaped.</summary>
public enum TemplateEscaping
{
    /// <summary>Inside a URL: the value is URI-escaped (<see cref="Uri.EscapeDataString(string)"/>), so it cannot add a path segment, query or fragment.</summary>
    Url,

    /// <summary>Inside a JSON string literal of a body: the value is JSON-escaped (no quotes added), so it cannot end the string.</summary>
    Json,

    /// <summary>An HTTP header value: control characters (CR, LF, ...) are removed, so it cannot add a header.</summary>
    Header,

    /// <summary>One command argument: inserted as is (commands run without a shell; each argument is passed separately).</summary>
    Argument,
}

/// <summary>
/// Fills a step's templates from the symptom it runs for.
/// </summary>
/// <remarks>
/// <para>Placeholders: <c>{{product}}</c> (the product), <c>{{fingerprint}}</c> (the symptom's fingerprint),
/// <c>{{label.NAME}}</c> (the value of label NAME). Spaces inside the braces are allowed; names are case-sensitive.</para>
/// <para>Each value is escaped for where it lands (<see cref="TemplateEscaping"/>): URI-escaped in URLs,
/// JSON-escaped in bodies (so a placeholder in a body belongs inside a string literal: <c>"pod": "{{label.pod}}"</c>),
/// control characters removed in headers, verbatim in command arguments.</para>
/// <para>A placeholder that names something unknown, or a label / fingerprint the symptom does not have, fails the
/// fill: a step never acts on a half-filled request.</para>
/// </remarks>
public static partial class StepTemplate
{
    /// <summary>Fills every placeholder of <paramref name="template"/>; false with <paramref name="error"/> when one cannot be filled.</summary>
    public static bool TryFill(
        string template,
        StepContext context,
        TemplateEscaping escaping,
        [NotNullWhen(true)] out string? filled,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        string? firstError = null;
        var result = Placeholder().Replace(template, match =>
        {
            var value = Resolve(match.Groups["name"].Value, context);
            if (value is null)
            {
                firstError ??= $"template {match.Value} has no value for product '{context.Product}'";
                return match.Value;
            }

            return Escape(value, escaping);
        });

        if (firstError is not null)
        {
            (filled, error) = (null, firstError);
            return false;
        }

        (filled, error) = (result, null);
        return true;
    }

    private static string? Resolve(string name, StepContext context)
    {
        const string LabelPrefix = "label.";
        return name switch
        {
            "product" => context.Product,
            "fingerprint" => context.Fingerprint,
            _ when name.StartsWith(LabelPrefix, StringComparison.Ordinal) =>
                context.Labels.TryGetValue(name[LabelPrefix.Length..], out var value) ? value : null,
            _ => null,
        };
    }

    private static string Escape(string value, TemplateEscaping escaping) => escaping switch
    {
        TemplateEscaping.Url => Uri.EscapeDataString(value),
        TemplateEscaping.Json => JsonEncodedText.Encode(value).Value,
        TemplateEscaping.Header => WithoutControlCharacters(value),
        _ => value,
    };

    private static string WithoutControlCharacters(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Where(c => !char.IsControl(c)))
        {
            builder.Append(c);
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\{\{\s*(?<name>[^{}\s]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
