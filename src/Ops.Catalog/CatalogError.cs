namespace Ops.Catalog;

/// <summary>
/// One problem in the catalog, located precisely enough for an operator to fix it without searching:
/// the file, the 1-based line and column of the offending YAML node, and the field path inside the document
/// (<c>spec.remediation[1].timeout</c>; list indexes are 0-based). Entities created through the API have the file
/// <c>api</c> and line 0.
/// </summary>
/// <param name="File">The file as it was given to the loader (or <c>api</c>).</param>
/// <param name="Line">1-based line of the offending node; 0 when unknown.</param>
/// <param name="Column">1-based column of the offending node; 0 when unknown.</param>
/// <param name="Field">Path of the field inside the document; empty for a problem with the file itself (YAML syntax).</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record CatalogError(string File, int Line, int Column, string Field, string Message)
{
    /// <summary><c>file:line:column: field: message</c> (the field part is left out when empty), the shape compilers use.</summary>
    public override string ToString() =>
        Field.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Field}: {Message}";
}
