using System.Text.Json;
using Ops.Catalog;
using Ops.Contracts;

namespace Ops.Silo.Hosting;

/// <summary>
/// Keeps the catalog changes made through the API in <c>catalog-overlay.json</c> in the silo's data directory:
/// written to a temporary file, flushed to disk, then renamed over the previous one, so a crash leaves either the
/// old or the new overlay, never a torn one. (A cluster shares its overlay through the database: the cluster issue.)
/// </summary>
public sealed class FileCatalogOverlayStore(string dataDirectory) : ICatalogOverlayStore
{
    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "catalog-overlay.json");

    public async Task<CatalogOverlay> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return CatalogOverlay.Empty;
        }

        await using var stream = File.OpenRead(Path);
        return await JsonSerializer.DeserializeAsync<CatalogOverlay>(stream, OpsJson.Options, cancellationToken) ?? CatalogOverlay.Empty;
    }

    public async Task SaveAsync(CatalogOverlay overlay, CancellationToken cancellationToken)
    {
        var temporary = Path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await JsonSerializer.SerializeAsync(stream, overlay, OpsJson.Options, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
