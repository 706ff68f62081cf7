using System.Text.Json;
using Ops.Catalog;
using Ops.Contracts;

namespace Ops.Silo.Catalog;

/// <summary>
/// Keeps the catalog changes made through the API of a single silo (SQLite) in <c>catalog-overlay.json</c> in its data
/// directory: written to a temporary file, flushed to disk, then renamed over the previous one, so a crash leaves
/// either the old or the new overlay, never a torn one. A cluster shares its overlay through the database instead
/// (<see cref="PostgreSqlCatalogOverlayStore"/>).
/// </summary>
/// <remarks>
/// The version counts this process's saves (the file does not hold it): one silo serves a data directory (the SQLite
/// store locks it), so no other writer can save between its load and its save.
/// </remarks>
public sealed class FileCatalogOverlayStore(string dataDirectory) : ICatalogOverlayStore
{
    private readonly SemaphoreSlim _saves = new(1, 1);
    private long _version;

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "catalog-overlay.json");

    public async Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return CatalogOverlayRevision.None with { Version = Interlocked.Read(ref _version) };
        }

        await using var stream = File.OpenRead(Path);
        var overlay = await JsonSerializer.DeserializeAsync<CatalogOverlay>(stream, OpsJson.Options, cancellationToken) ?? CatalogOverlay.Empty;
        return new CatalogOverlayRevision(overlay, Interlocked.Read(ref _version));
    }

    public Task<long> ReadVersionAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Read(ref _version));

    public async Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken)
    {
        await _saves.WaitAsync(cancellationToken);
        try
        {
            if (_version != expectedVersion)
            {
                return null;
            }

            var temporary = Path + ".tmp";
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await JsonSerializer.SerializeAsync(stream, overlay, OpsJson.Options, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            return Interlocked.Increment(ref _version);
        }
        finally
        {
            _saves.Release();
        }
    }
}
