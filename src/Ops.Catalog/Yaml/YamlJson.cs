using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>
/// Turns a YAML mapping or list into JSON text, so an HTTP body can be written as YAML
/// (<c>body: {replicas: 3}</c> → <c>{"replicas":3}</c>). Plain scalars keep their YAML 1.2 core type (null, boolean,
/// number); quoted and block scalars are strings.
/// </summary>
internal static partial class YamlJson
{
    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    public static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : key.ToString());
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar when YamlValues.IsNull(scalar):
                writer.WriteNullValue();
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } when YamlValues.TryBool(text, out var flag):
                writer.WriteBooleanValue(flag);
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } when JsonNumber().IsMatch(text):
                writer.WriteRawValue(text);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
            default:
                writer.WriteStringValue(node.ToString());
                break;
        }
    }
}
