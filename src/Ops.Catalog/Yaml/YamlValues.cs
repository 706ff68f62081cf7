using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>How YAML scalars turn into values (YAML 1.2 core schema: <c>~</c>, <c>null</c> and empty are null).</summary>
internal static class YamlValues
{
    /// <summary>True for an absent value: an empty, <c>~</c> or <c>null</c> plain scalar.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    /// <summary>What a node is, for "expected X, found Y" messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };

    public static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool TryDecimal(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryBool(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
