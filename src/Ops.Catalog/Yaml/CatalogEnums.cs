using System.Text;

namespace Ops.Catalog.Yaml;

/// <summary>
/// Enum values as YAML writes them: kebab-case (<c>confirm-first</c>), matched without regard to case, dashes or
/// underscores (<c>ConfirmFirst</c>, <c>confirm_first</c> also work).
/// </summary>
internal static class CatalogEnums
{
    public static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        var wanted = Normalize(text);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Normalize(candidate.ToString()) == wanted)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The accepted spellings, for error messages: <c>automatic, confirm-first</c>.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Kebab(v.ToString())));

    public static string Kebab(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(pascal[i]));
        }

        return text.ToString();
    }

    private static string Normalize(string text) =>
        text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
