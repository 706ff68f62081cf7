using System.Text;

namespace Ops.Catalog;

/// <summary>
/// The catalog could not be loaded at start-up. The message lists every error (<c>file:line:column: field: message</c>)
/// so the operator can fix them all from the silo's log in one pass.
/// </summary>
public sealed class CatalogInvalidException : Exception
{
    public CatalogInvalidException(string siloConfigDirectory, IReadOnlyList<CatalogError> errors)
        : base(Describe(siloConfigDirectory, errors))
    {
        SiloConfigDirectory = siloConfigDirectory;
        Errors = errors;
    }

    public string SiloConfigDirectory { get; }

    public IReadOnlyList<CatalogError> Errors { get; }

    private static string Describe(string siloConfigDirectory, IReadOnlyList<CatalogError> errors)
    {
        var text = new StringBuilder()
            .Append("The catalog in '").Append(Path.GetFullPath(siloConfigDirectory)).Append("' is invalid (")
            .Append(errors.Count).Append(errors.Count == 1 ? " error" : " errors")
            .Append("); the silo does not start until it is fixed (entries at 'api' were made through the API):");
        foreach (var error in errors)
        {
            text.Append('\n').Append("  ").Append(error);
        }

        return text.ToString();
    }
}
