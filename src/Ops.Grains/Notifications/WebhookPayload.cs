using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ops.Grains.Notifications;

/// <summary>
/// The generic webhook document: <c>type</c> = <c>ops.page</c>, <c>idempotencyKey</c>, then every field of the
/// <see cref="PageNotice"/> in camelCase (enums as the API writes them, kebab-case: <c>sev1</c>, <c>cross-product</c>;
/// times as ISO 8601; null fields left out). Values are data, not markup: the receiver decides how to show them.
/// </summary>
internal static class WebhookPayload
{
    public const string Type = "ops.page";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static JsonObject Create(PageNotice notice, string idempotencyKey)
    {
        var document = new JsonObject
        {
            ["type"] = Type,
            ["idempotencyKey"] = idempotencyKey,
        };
        var fields = JsonSerializer.SerializeToNode(notice, s_json)!.AsObject();
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            document[name] = value;
        }

        return document;
    }
}
