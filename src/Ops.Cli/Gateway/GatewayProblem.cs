using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ops.Cli.Gateway;

/// <summary>
/// An RFC 7807 problem the gateway answered with, reduced to what an operator reads: the status, the title, the
/// detail and the fields named in <c>errors</c> (or, when the runtime's handler answered, in the detail's
/// <c>(Parameter 'x')</c> suffix).
/// </summary>
internal sealed partial record GatewayProblem(int Status, string Title, string? Detail, IReadOnlyList<KeyValuePair<string, string>> Errors)
{
    /// <summary>Reads a problem body; a body that is not one becomes a problem made of the status alone.</summary>
    public static GatewayProblem From(HttpStatusCode status, string body)
    {
        var code = (int)status;
        var reason = ReasonPhrase(status);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new GatewayProblem(code, reason, null, []);
            }

            var errors = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.ToString()) : [field.Value.ToString()];
                    errors.AddRange(messages.Select(m => KeyValuePair.Create(field.Name, m)));
                }
            }

            return new GatewayProblem(
                code,
                root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString()! : reason,
                root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null,
                errors);
        }
        catch (JsonException)
        {
            return new GatewayProblem(code, reason, string.IsNullOrWhiteSpace(body) || body.Length > 300 ? null : body.Trim(), []);
        }
    }

    /// <summary>
    /// One line: <c>404 Not found: Incident inc-x does not exist.</c>,
    /// <c>400 Invalid fix.kind: fix.kind: must be one of ...</c>, <c>400 The catalog change is invalid: spec.tier: ...</c>.
    /// <paramref name="subject"/> (what was asked for) stands in for a missing detail.
    /// </summary>
    public string Describe(string? subject)
    {
        var head = $"{Status} {Title}";
        if (Errors.Count > 0)
        {
            // "Invalid fix.target" repeats the field the errors name anyway.
            head = Title.StartsWith("Invalid ", StringComparison.Ordinal) ? $"{Status} Invalid" : head;
            return $"{head}: {string.Join("; ", Errors.Select(e => FieldMessage(e.Key, e.Value)))}";
        }

        if (Detail is { Length: > 0 } detail)
        {
            var parameter = ParameterSuffix().Match(detail);
            return parameter.Success
                ? $"{head}: {FieldMessage(parameter.Groups["field"].Value, detail[..parameter.Index].TrimEnd())}"
                : $"{head}: {detail}";
        }

        return subject is null ? head : $"{head}: {subject}";
    }

    /// <summary><c>field: message</c>, unless the message already names the field (the catalog's <c>file:line:col: field: message</c>).</summary>
    private static string FieldMessage(string field, string message) =>
        field is "" or "$" || message.StartsWith(field, StringComparison.Ordinal) || message.Contains($": {field}:", StringComparison.Ordinal)
            ? message
            : $"{field}: {message}";

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.BadRequest => "Bad Request",
        _ => Regex.Replace(status.ToString(), "(?<=[a-z])(?=[A-Z])", " "),
    };

    [GeneratedRegex(@"\s*\(Parameter '(?<field>[^']+)'\)\s*$")]
    private static partial Regex ParameterSuffix();
}
