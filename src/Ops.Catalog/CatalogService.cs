using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// The silo's catalog: the YAML under the silo-config directory, with the overlay of API changes applied over it.
/// <see cref="Current"/> only ever holds a snapshot that passed every <see cref="CatalogValidator"/> rule: a reload or
/// a change that would break a rule is refused and the previous snapshot stays. Safe to call from any thread:
/// changes are serialised; readers see the last published snapshot without locking.
/// </summary>
/// <remarks>
/// The overlay store may be shared by several silos (a cluster on one database). A change is saved only over the
/// version it was applied to; when another silo saved first, the change is applied again over that silo's overlay,
/// validated again and saved again (up to <see cref="MaxSaveAttempts"/> times, after a short random pause that
/// grows with each lost race so that two busy silos stop colliding), so concurrent changes of different
/// entities all survive and a change of the same entity replaces it whole (last writer wins). Changes saved by other
/// silos reach this one through <see cref="RefreshOverlayAsync"/>, which the host calls on an interval.
/// </remarks>
public sealed class CatalogService : ICatalogView
{
    /// <summary>How many times a change is applied and saved before it gives up with <see cref="CatalogChangeConflictException"/>.</summary>
    public const int MaxSaveAttempts = 10;

    private readonly ICatalogOverlayStore _overlayStore;
    private readonly IReadOnlySet<string>? _allowedCommands;
    private readonly CatalogLoader _loader;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;
    private CatalogLoadResult? _files;

    // The overlay as last read from or saved to the store, with its version. It is what every change builds on, even
    // when it was refused over this silo's files (then Current is older than it).
    private CatalogOverlay _overlay = CatalogOverlay.Empty;
    private long _overlayVersion;

    /// <param name="siloConfigDirectory">The directory holding <c>catalog/</c> and <c>runbooks/</c>.</param>
    /// <param name="overlayStore">Where API changes are persisted.</param>
    /// <param name="allowedCommands">The silo's command allow-list for runbook command steps; null skips that check.</param>
    public CatalogService(string siloConfigDirectory, ICatalogOverlayStore overlayStore, IReadOnlySet<string>? allowedCommands = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloConfigDirectory);
        ArgumentNullException.ThrowIfNull(overlayStore);
        SiloConfigDirectory = siloConfigDirectory;
        _overlayStore = overlayStore;
        _allowedCommands = allowedCommands;
        _loader = new CatalogLoader(allowedCommands);
    }

    public string SiloConfigDirectory { get; }

    /// <summary>The catalog now; <see cref="CatalogSnapshot.Empty"/> until <see cref="InitializeAsync"/> completed.</summary>
    public CatalogSnapshot Current => _current;

    /// <summary>
    /// Raised after every published snapshot (start-up, reload, change, a change another silo saved), in publication
    /// order, while changes are held back: a handler must not block on another change. A handler that throws does not
    /// undo the change; its exception reaches the caller once every handler has run.
    /// </summary>
    public event Action<CatalogSnapshot>? Changed;

    /// <summary>Loads the files and the overlay at start-up.</summary>
    /// <exception cref="CatalogInvalidException">The catalog is invalid; its message lists every error.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var (saved, files, snapshot, errors) = await LoadAsync(cancellationToken);
            if (errors.Count > 0)
            {
                throw new CatalogInvalidException(SiloConfigDirectory, errors);
            }

            _files = files;
            Hold(saved);
            Publish(snapshot);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Re-reads the files and the saved overlay. When they (or the overlay over them) break a rule, <see cref="Current"/>
    /// is kept and the result carries the errors; otherwise the new snapshot is published and returned.
    /// </summary>
    public async Task<CatalogLoadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var loaded = EnsureInitialized();
            var (saved, files, snapshot, errors) = await LoadAsync(cancellationToken);
            if (errors.Count == 0)
            {
                _files = files;
                Hold(saved);
                Publish(snapshot);
            }
            else if (saved.Version != _overlayVersion)
            {
                // The files are refused; changes other silos saved meanwhile still apply over the files as loaded before.
                Adopt(saved, loaded);
            }

            return files.IsValid ? new CatalogLoadResult { Snapshot = snapshot, Errors = errors, Sources = files.Sources } : files;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Picks up a change another silo saved: when the saved overlay's version differs from the one this service holds,
    /// reads it and publishes it over the files as last loaded (the files themselves are re-read only by
    /// <see cref="ReloadAsync"/>). A cheap version read when nothing changed.
    /// </summary>
    public async Task<CatalogOverlayRefresh> RefreshOverlayAsync(CancellationToken cancellationToken = default)
    {
        if (await _overlayStore.ReadVersionAsync(cancellationToken) == Interlocked.Read(ref _overlayVersion))
        {
            return new CatalogOverlayRefresh(CatalogOverlayRefreshOutcome.Unchanged, Interlocked.Read(ref _overlayVersion), []);
        }

        await _changes.WaitAsync(cancellationToken);
        try
        {
            var files = EnsureInitialized();
            var saved = await _overlayStore.LoadAsync(cancellationToken);
            if (saved.Version == _overlayVersion)
            {
                // A change made here (or a reload) caught up meanwhile.
                return new CatalogOverlayRefresh(CatalogOverlayRefreshOutcome.Unchanged, saved.Version, []);
            }

            var errors = Adopt(saved, files);
            return new CatalogOverlayRefresh(errors.Count == 0 ? CatalogOverlayRefreshOutcome.Published : CatalogOverlayRefreshOutcome.Refused, saved.Version, errors);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Creates or replaces a product (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(ProductSpec product, CancellationToken cancellationToken = default) =>
        UpsertAsync(new CatalogOverlay { Products = [product] }, cancellationToken);

    /// <summary>
    /// Changes the product called <paramref name="name"/> as the catalog holds it when the change is saved (a change
    /// another silo saved meanwhile is kept: <paramref name="change"/> is applied again over it). Returns the errors of
    /// the catalog it would produce; empty = applied.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The catalog has no product called <paramref name="name"/>.</exception>
    public Task<IReadOnlyList<CatalogError>> UpdateProductAsync(string name, Func<ProductSpec, ProductSpec> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return ChangeAsync(
            (overlay, catalog) =>
            {
                var product = catalog.Products.TryGetValue(name, out var spec)
                    ? change(spec)
                    : throw new KeyNotFoundException($"The catalog has no product '{name}'.");
                return overlay.With(product with { DeclaredAt = product.DeclaredAt ?? SourceLocation.Api });
            },
            cancellationToken);
    }

    /// <summary>Creates or replaces a builder (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(BuilderSpec builder, CancellationToken cancellationToken = default) =>
        UpsertAsync(new CatalogOverlay { Builders = [builder] }, cancellationToken);

    /// <summary>Creates or replaces an escalation tier (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(EscalationTierSpec tier, CancellationToken cancellationToken = default) =>
        UpsertAsync(new CatalogOverlay { Tiers = [tier] }, cancellationToken);

    /// <summary>Creates or replaces a runbook version (by name and version). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(RunbookSpec runbook, CancellationToken cancellationToken = default) =>
        UpsertAsync(new CatalogOverlay { Runbooks = [runbook] }, cancellationToken);

    /// <summary>
    /// Creates or replaces every entity of <paramref name="changes"/> at once: all are applied, or none when the
    /// catalog they would produce together is invalid (the errors are returned).
    /// </summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(CatalogOverlay changes, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            (overlay, _) =>
            {
                foreach (var tier in changes.Tiers)
                {
                    overlay = overlay.With(tier with { DeclaredAt = tier.DeclaredAt ?? SourceLocation.Api });
                }

                foreach (var builder in changes.Builders)
                {
                    overlay = overlay.With(builder with { DeclaredAt = builder.DeclaredAt ?? SourceLocation.Api });
                }

                foreach (var product in changes.Products)
                {
                    overlay = overlay.With(product with { DeclaredAt = product.DeclaredAt ?? SourceLocation.Api });
                }

                foreach (var runbook in changes.Runbooks)
                {
                    overlay = overlay.With(runbook with { DeclaredAt = runbook.DeclaredAt ?? SourceLocation.Api });
                }

                return overlay;
            },
            cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the held overlay (given with the catalog it makes over the files) and
    /// validates the would-be catalog; when valid, saves the overlay over the held version first, then publishes. When
    /// another writer saved first, takes its overlay and starts again.
    /// </summary>
    private async Task<IReadOnlyList<CatalogError>> ChangeAsync(Func<CatalogOverlay, CatalogSnapshot, CatalogOverlay> change, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var files = EnsureInitialized();
            for (var attempt = 1; ; attempt++)
            {
                var overlay = change(_overlay, _overlay.ApplyTo(files.Snapshot));
                var snapshot = overlay.ApplyTo(files.Snapshot);
                var errors = Validate(snapshot, files);
                if (errors.Count > 0)
                {
                    return errors;
                }

                if (await _overlayStore.TrySaveAsync(overlay, _overlayVersion, cancellationToken) is { } version)
                {
                    Hold(new CatalogOverlayRevision(overlay, version));
                    Publish(snapshot);
                    return [];
                }

                if (attempt == MaxSaveAttempts)
                {
                    throw new CatalogChangeConflictException(attempt);
                }

                // Another silo saved first: publish its overlay (this silo should show it whatever becomes of this
                // change), then apply the change again over it after a random pause (5-25 ms per lost race), so a
                // silo saving a stream of changes does not win every race against this one.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), cancellationToken);
                Adopt(await _overlayStore.LoadAsync(cancellationToken), files);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Reads the saved overlay and the files; the catalog they make and its errors (the files' own when they are invalid).</summary>
    private async Task<(CatalogOverlayRevision Saved, CatalogLoadResult Files, CatalogSnapshot Snapshot, IReadOnlyList<CatalogError> Errors)> LoadAsync(CancellationToken cancellationToken)
    {
        var saved = await _overlayStore.LoadAsync(cancellationToken);
        var files = _loader.LoadDirectory(SiloConfigDirectory);
        var snapshot = saved.Overlay.ApplyTo(files.Snapshot);
        return (saved, files, snapshot, files.IsValid ? Validate(snapshot, files) : files.Errors);
    }

    /// <summary>Holds <paramref name="saved"/> and publishes the catalog it makes over <paramref name="files"/> when valid; returns its errors.</summary>
    private IReadOnlyList<CatalogError> Adopt(CatalogOverlayRevision saved, CatalogLoadResult files)
    {
        Hold(saved);
        var snapshot = saved.Overlay.ApplyTo(files.Snapshot);
        var errors = Validate(snapshot, files);
        if (errors.Count == 0)
        {
            Publish(snapshot);
        }

        return errors;
    }

    private void Hold(CatalogOverlayRevision saved)
    {
        _overlay = saved.Overlay;
        Interlocked.Exchange(ref _overlayVersion, saved.Version);
    }

    private IReadOnlyList<CatalogError> Validate(CatalogSnapshot snapshot, CatalogLoadResult files) =>
        CatalogValidator.Validate(snapshot, _allowedCommands, files.Sources, crossEntity: true);

    private CatalogLoadResult EnsureInitialized() =>
        _files ?? throw new InvalidOperationException("The catalog is not loaded yet: call InitializeAsync first.");

    private void Publish(CatalogSnapshot snapshot)
    {
        _current = snapshot;
        if (Changed is not { } changed)
        {
            return;
        }

        List<Exception>? failures = null;
        foreach (var handler in changed.GetInvocationList().Cast<Action<CatalogSnapshot>>())
        {
            try
            {
                handler(snapshot);
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("The catalog changed, but a Changed handler failed.", failures);
        }
    }
}
