using System.Text.RegularExpressions;

namespace Ops.Catalog;

/// <summary>
/// Entity names and references to them. A name is what URLs, labels and grain keys carry: lowercase letters, digits
/// and <c>-</c> <c>_</c> <c>.</c>, starting and ending with a letter or digit, at most 63 characters (Backstage's rule,
/// lowercase only). A reference may be Backstage-style, <c>[kind:][default/]name</c>: the kind and the default
/// namespace are dropped (<c>component:payments-db</c> → <c>payments-db</c>).
/// </summary>
internal static partial class CatalogNames
{
    public const string Rule = "lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit, at most 63 characters";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*:")]
    private static partial Regex KindPrefix();

    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The entity name a reference designates; false (with the reason) for a namespace other than <c>default</c>.</summary>
    public static bool TryResolveReference(string reference, out string name, out string? problem)
    {
        name = reference.Trim();
        problem = null;
        var kind = KindPrefix().Match(name);
        if (kind.Success)
        {
            name = name[kind.Length..];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var space = name[..slash];
            if (space != "default")
            {
                problem = $"namespace '{space}' is not supported (the catalog has one namespace; write just the name)";
                return false;
            }

            name = name[(slash + 1)..];
        }

        return true;
    }
}
