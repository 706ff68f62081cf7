using Ops.Catalog.Yaml;

namespace Ops.Catalog;

/// <summary>
/// Reads the catalog and runbooks as code: YAML documents (<c>apiVersion: ops.orleans/v1</c>, <c>kind</c>,
/// <c>metadata</c>, <c>spec</c>) under a silo-config directory. Never throws for bad content: every problem becomes a
/// <see cref="CatalogError"/> naming the file, line and field.
/// </summary>
/// <param name="allowedCommands">The command names runbook command steps may use (the silo's allow-list); null skips that check.</param>
public sealed class CatalogLoader(IReadOnlySet<string>? allowedCommands = null)
{
    /// <summary>The folders of a silo-config directory that hold catalog YAML (each optional).</summary>
    public static readonly IReadOnlyList<string> Folders = ["catalog", "runbooks"];

    /// <summary>
    /// Loads every <c>*.yaml</c> / <c>*.yml</c> under <c>catalog/</c> and <c>runbooks/</c> of
    /// <paramref name="siloConfigDirectory"/>, recursively, in ordinal path order (names starting with '.' are skipped).
    /// A missing folder is an empty one; a missing directory is an error. Runs every rule of
    /// <see cref="CatalogValidator"/>, cross-entity ones included. Error files are the paths as found under the directory given.
    /// </summary>
    public CatalogLoadResult LoadDirectory(string siloConfigDirectory)
    {
        var draft = new CatalogDraft();
        if (!Directory.Exists(siloConfigDirectory))
        {
            draft.AddError(new CatalogError(siloConfigDirectory, 0, 0, "", "the silo-config directory does not exist"));
        }

        foreach (var file in CatalogFiles(siloConfigDirectory))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                draft.AddError(new CatalogError(file, 0, 0, "", $"cannot read the file: {e.Message}"));
                continue;
            }

            draft.Add(CatalogFileReader.Read(text, file));
        }

        return Complete(draft, crossEntity: true);
    }

    /// <summary>
    /// Reads one file's text (an API request body, <c>opsctl</c>'s offline check) and runs the rules that need no
    /// other entity: shape, types, names, ranges, URLs, the command allow-list, duplicate names within the file.
    /// References to other entities (owner, dependsOn, tiers, a runbook's product) are not checked: they may live in
    /// other files; <see cref="LoadDirectory"/> and <see cref="CatalogService.UpsertAsync(Ops.Contracts.Catalog.ProductSpec, CancellationToken)"/> check them.
    /// </summary>
    public CatalogLoadResult Parse(string yamlText, string fileName)
    {
        var draft = new CatalogDraft();
        draft.Add(CatalogFileReader.Read(yamlText, fileName));
        return Complete(draft, crossEntity: false);
    }

    private CatalogLoadResult Complete(CatalogDraft draft, bool crossEntity)
    {
        var snapshot = draft.ToSnapshot();
        var errors = draft.Errors.Concat(CatalogValidator.Validate(snapshot, allowedCommands, draft.Sources, crossEntity));
        return new CatalogLoadResult { Snapshot = snapshot, Errors = CatalogValidator.Order(errors), Sources = draft.Sources };
    }

    private static IEnumerable<string> CatalogFiles(string siloConfigDirectory) =>
        Folders
            .Select(folder => Path.Combine(siloConfigDirectory, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .Where(IsCatalogFile);

    private static bool IsCatalogFile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.')
            && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
    }
}
