using System.Text.RegularExpressions;

namespace Ops.Runtime.AdoNet.Migrations;

/// <summary>A versioned schema script embedded in this assembly (Sql/&lt;Dialect&gt;/NNNN_name.sql).</summary>
internal sealed record SchemaScript(int Version, string Name, string Sql);

/// <summary>Reads the embedded schema scripts of a dialect, in version order.</summary>
internal static partial class SchemaScripts
{
    public static IReadOnlyList<SchemaScript> For(string dialectFolder)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var prefix = $"{assembly.GetName().Name}.Sql.{dialectFolder}.";
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var match = ScriptName().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Schema script '{fileName}' must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new SchemaScript(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), fileName, reader.ReadToEnd()));
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex ScriptName();
}
