using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ops.Contracts;

/// <summary>The one JSON shape of the product: web defaults (camelCase), enums as strings, nulls omitted.</summary>
public static class OpsJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>The kinds of durable inbox records the domain exchanges (each grain's inbox is its mailbox of facts).</summary>
public static class InboxKinds
{
    /// <summary>Gateway → product: a normalised <see cref="Signals.Signal"/>.</summary>
    public const string Signal = "signal";

    /// <summary>Gateway → product: a <see cref="Signals.ChangeEvent"/>.</summary>
    public const string Change = "change";

    /// <summary>Gateway → heartbeat grain: a beat.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Grain → grain: a <see cref="Grains.DomainMessage"/>.</summary>
    public const string Message = "message";
}
