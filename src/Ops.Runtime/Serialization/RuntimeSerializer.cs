using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ops.Runtime.Serialization;

/// <summary>
/// The one JSON form the runtime uses for grain state, call isolation and (later) the wire: System.Text.Json with
/// web defaults, enums as strings, grain ids and grain references as "type/key" strings.
/// </summary>
internal sealed class RuntimeSerializer
{
    public RuntimeSerializer(Func<Messaging.GrainFactory> grainFactory)
    {
        Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Public fields travel too: value tuples (Item1, Item2, ...) and field-style records must not lose data.
            IncludeFields = true,
            Converters =
            {
                new JsonStringEnumConverter(),
                new GrainIdJsonConverter(),
                new GrainReferenceJsonConverterFactory(grainFactory),
            },
        };
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Options { get; }

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public T? Deserialize<T>(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<T>(utf8, Options);

    /// <summary>A copy of <paramref name="value"/> sharing no mutable object with it, as if sent over the wire.</summary>
    public object? DeepCopy(object? value, Type declaredType) =>
        value is null ? null : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, declaredType, Options), declaredType, Options);

    /// <inheritdoc cref="DeepCopy(object?, Type)"/>
    public T DeepCopy<T>(T value) => value is null ? value : JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, Options), Options)!;

    private sealed class GrainIdJsonConverter : JsonConverter<GrainId>
    {
        public override GrainId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            GrainId.Parse(reader.GetString() ?? throw new JsonException("A grain id must be a 'type/key' string."));

        public override void Write(Utf8JsonWriter writer, GrainId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class GrainReferenceJsonConverterFactory(Func<Messaging.GrainFactory> grainFactory) : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsInterface && typeof(IGrain).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(GrainReferenceJsonConverter<>).MakeGenericType(typeToConvert), grainFactory)!;
    }

    private sealed class GrainReferenceJsonConverter<TGrain>(Func<Messaging.GrainFactory> grainFactory) : JsonConverter<TGrain>
        where TGrain : class, IGrain
    {
        public override TGrain? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null
                ? null
                : (TGrain)grainFactory().GetGrain(typeToConvert, GrainId.Parse(reader.GetString() ?? throw new JsonException("A grain reference must be a 'type/key' string.")));

        public override void Write(Utf8JsonWriter writer, TGrain value, JsonSerializerOptions options) => writer.WriteStringValue(value.GetGrainId().ToString());
    }
}
