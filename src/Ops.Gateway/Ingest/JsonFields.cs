using System.Globalization;
using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Typed reads of JSON members that report what was wrong, by field path, instead of throwing. An absent member and
/// a JSON <c>null</c> are the same thing (absent); names are matched exactly (JSON is case-sensitive).
/// </summary>
internal static class JsonFields
{
    /// <summary>The path of member <paramref name="name"/> of the object at <paramref name="parent"/> ("" = the document).</summary>
    public static string Member(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>The path of element <paramref name="index"/> of the array at <paramref name="parent"/>.</summary>
    public static string Element(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The path to show for <paramref name="path"/>: <c>$</c> for the document itself.</summary>
    public static string Display(string path) => path.Length == 0 ? "$" : path;

    /// <summary>"object", "array", "string", "number", "true/false", "null".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>The member's value, unless it is absent or null.</summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Checks that the element at <paramref name="path"/> is an object.</summary>
    public static bool IsObject(JsonElement element, string path, IngestErrors errors, string what = "an object")
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        errors.Add(Display(path), $"Expected {what}, found {Describe(element.ValueKind)}.");
        return false;
    }

    /// <summary>An optional string member; <paramref name="maxLength"/> caps it when given.</summary>
    public static string? String(JsonElement obj, string parent, string name, IngestErrors errors, int? maxLength = null)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(Member(parent, name), $"Expected a string, found {Describe(value.ValueKind)}.");
            return null;
        }

        var text = value.GetString()!;
        if (maxLength is { } max && text.Length > max)
        {
            errors.Add(Member(parent, name), $"Expected at most {max} characters, found {text.Length}.");
            return null;
        }

        return text;
    }

    /// <summary>A required, non-empty string member.</summary>
    public static string? RequiredString(JsonElement obj, string parent, string name, IngestErrors errors, int? maxLength = null)
    {
        if (!TryGet(obj, name, out _))
        {
            errors.Add(Member(parent, name), "Required: expected a non-empty string.");
            return null;
        }

        var text = String(obj, parent, name, errors, maxLength);
        if (text is { Length: 0 })
        {
            errors.Add(Member(parent, name), "Expected a non-empty string, found \"\".");
            return null;
        }

        return text;
    }

    /// <summary>An optional member whose value must be one of <paramref name="allowed"/> (compared with its comparer).</summary>
    public static TEnum? Choice<TEnum>(JsonElement obj, string parent, string name, IngestErrors errors, IReadOnlyDictionary<string, TEnum> allowed)
        where TEnum : struct
    {
        var text = String(obj, parent, name, errors);
        if (text is null)
        {
            return null;
        }

        if (allowed.TryGetValue(text, out var choice))
        {
            return choice;
        }

        errors.Add(Member(parent, name), $"Expected one of {string.Join(", ", allowed.Keys.Select(k => $"\"{k}\""))}, found \"{text}\".");
        return null;
    }

    /// <summary>A required member whose value must be one of <paramref name="allowed"/> (compared with its comparer).</summary>
    public static TEnum? RequiredChoice<TEnum>(JsonElement obj, string parent, string name, IngestErrors errors, IReadOnlyDictionary<string, TEnum> allowed)
        where TEnum : struct
    {
        if (TryGet(obj, name, out _))
        {
            return Choice(obj, parent, name, errors, allowed);
        }

        errors.Add(Member(parent, name), $"Required: expected one of {string.Join(", ", allowed.Keys.Select(k => $"\"{k}\""))}.");
        return null;
    }

    /// <summary>
    /// An optional object of string values (labels, annotations). With <paramref name="scalars"/> numbers and booleans
    /// are accepted and kept as their JSON text; otherwise only strings are.
    /// </summary>
    public static Dictionary<string, string>? StringMap(JsonElement obj, string parent, string name, IngestErrors errors, bool scalars = false)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        var path = Member(parent, name);
        if (!IsObject(value, path, errors, "an object of string values"))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var entry = Member(path, property.Name);
            if (property.Name.Length == 0)
            {
                errors.Add(path, "Expected non-empty names, found \"\".");
                continue;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    map[property.Name] = property.Value.GetString()!;
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False when scalars:
                    map[property.Name] = property.Value.GetRawText();
                    break;
                default:
                    errors.Add(entry, $"Expected {(scalars ? "a string, number or boolean" : "a string")}, found {Describe(property.Value.ValueKind)}.");
                    break;
            }
        }

        return map;
    }

    /// <summary>
    /// An optional RFC 3339 / ISO 8601 timestamp (a string; offsets like <c>+0000</c> accepted, no offset means UTC).
    /// Go's zero time (<c>0001-01-01T00:00:00Z</c>, Alertmanager's "none") reads as absent. With
    /// <paramref name="epochSeconds"/> a number is read as Unix seconds.
    /// </summary>
    public static DateTimeOffset? Time(JsonElement obj, string parent, string name, IngestErrors errors, bool epochSeconds = false)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (epochSeconds && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
            && seconds is > -62_135_596_800 and < 253_402_300_800)
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        if (value.ValueKind == JsonValueKind.String && TryParseTime(value.GetString()!, out var time))
        {
            return time.Year == 1 ? null : time;
        }

        var expected = epochSeconds ? "an RFC 3339 timestamp (e.g. \"2026-11-22T07:59:38Z\") or Unix seconds" : "an RFC 3339 timestamp (e.g. \"2026-11-22T07:59:38Z\")";
        errors.Add(Member(parent, name), $"Expected {expected}, found {(value.ValueKind == JsonValueKind.String ? $"\"{value.GetString()}\"" : Describe(value.ValueKind))}.");
        return null;
    }

    /// <summary>An optional finite number.</summary>
    public static double? Number(JsonElement obj, string parent, string name, IngestErrors errors)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        errors.Add(Member(parent, name), $"Expected a finite number, found {Describe(value.ValueKind)}.");
        return null;
    }

    /// <summary>
    /// An optional array of links <c>[{href, text}]</c> (PagerDuty's and the generic API's shape); each needs a
    /// non-empty <c>href</c>.
    /// </summary>
    public static List<SignalLink> Links(JsonElement obj, string parent, string name, IngestErrors errors)
    {
        var links = new List<SignalLink>();
        foreach (var (link, path) in Objects(obj, parent, name, errors))
        {
            var href = RequiredString(link, path, "href", errors);
            var text = String(link, path, "text", errors);
            if (href is not null)
            {
                links.Add(new SignalLink(href, text));
            }
        }

        return links;
    }

    /// <summary>The objects of an optional array member, each with its path; other elements are reported.</summary>
    public static IEnumerable<(JsonElement Element, string Path)> Objects(JsonElement obj, string parent, string name, IngestErrors errors)
    {
        if (!TryGet(obj, name, out var array))
        {
            yield break;
        }

        var path = Member(parent, name);
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, $"Expected an array, found {Describe(array.ValueKind)}.");
            yield break;
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var elementPath = Element(path, index++);
            if (IsObject(element, elementPath, errors))
            {
                yield return (element, elementPath);
            }
        }
    }

    /// <summary>
    /// Any JSON value flattened to string entries (PagerDuty <c>custom_details</c>): object members become
    /// <c>a.b</c> keys, strings stay as they are, numbers and booleans keep their JSON text, arrays keep their JSON
    /// text, null becomes "". A value that is not an object is stored under <paramref name="rootKey"/>.
    /// </summary>
    public static Dictionary<string, string> Flatten(JsonElement value, string rootKey)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Object)
        {
            FlattenInto(result, "", value);
        }
        else if (value.ValueKind != JsonValueKind.Undefined)
        {
            result[rootKey] = Scalar(value);
        }

        return result;
    }

    private static void FlattenInto(Dictionary<string, string> result, string prefix, JsonElement obj)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                FlattenInto(result, key, property.Value);
            }
            else
            {
                result[key] = Scalar(property.Value);
            }
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    private static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
