using System.Diagnostics;
using System.Text.Json;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// Reads the trace context an appender carried in an inbox record. The inbox stores payloads as opaque bytes, so the
/// convention is in the payload: a JSON object with a top-level string property <see cref="PropertyName"/> holding a
/// W3C <c>traceparent</c>. The record's delivery span then continues that trace. Payloads without it (or not JSON)
/// are delivered untraced.
/// </summary>
public static class InboxTraceContext
{
    /// <summary>The top-level JSON property of a payload that carries its <c>traceparent</c>.</summary>
    public const string PropertyName = "traceParent";

    /// <summary>Finds the trace context in <paramref name="payload"/>; false when it carries none.</summary>
    public static bool TryExtract(ReadOnlySpan<byte> payload, out ActivityContext context)
    {
        context = default;
        if (payload.IsEmpty || payload[0] != (byte)'{')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTraceParent = reader.ValueTextEquals("traceParent"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isTraceParent)
                {
                    return reader.TokenType == JsonTokenType.String && ActivityContext.TryParse(reader.GetString(), null, isRemote: true, out context);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
