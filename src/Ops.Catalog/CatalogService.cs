using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// The silo's catalog: the YAML under the silo-config directory, with the overlay of API changes applied over it.
/// <see cref="Current"/> only ever holds a snapshot that passed every <see cref="CatalogValidator"/> rule: a reload or
/// a change that would break a rule is refused and the previous snapshot stays. Safe to call from any thread:
/// changes are serialised; readers see the last published snapshot without locking.
/// </summary>
public sealed class CatalogService : ICatalogView
{
    private readonly ICatalogOverlayStore _overlayStore;
    private readonly IReadOnlySet<string>? _allowedCommands;
    private readonly CatalogLoader _loader;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;
    private CatalogLoadResult? _files;
    private CatalogOverlay _overlay = CatalogOverlay.Empty;

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
    /// Raised after every published snapshot (start-up, reload, change), in publication order, while changes are held
    /// back: a handler must not block on another change. A handler that throws does not undo the change; its
    /// exception reaches the caller once every handler has run.
    /// </summary>
    public event Action<CatalogSnapshot>? Changed;

    /// <summary>Loads the files and the overlay at start-up.</summary>
    /// <exception cref="CatalogInvalidException">The catalog is invalid; its message lists every error.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var overlay = await _overlayStore.LoadAsync(cancellationToken);
            var files = _loader.LoadDirectory(SiloConfigDirectory);
            var snapshot = overlay.ApplyTo(files.Snapshot);
            var errors = files.IsValid ? Validate(snapshot, files) : files.Errors;
            if (errors.Count > 0)
            {
                throw new CatalogInvalidException(SiloConfigDirectory, errors);
            }

            _files = files;
            _overlay = overlay;
            Publish(snapshot);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Re-reads the files. When they (or the overlay over them) break a rule, <see cref="Current"/> is kept and the
    /// result carries the errors; otherwise the new snapshot is published and returned.
    /// </summary>
    public async Task<CatalogLoadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            EnsureInitialized();
            var files = _loader.LoadDirectory(SiloConfigDirectory);
            if (!files.IsValid)
            {
                return files;
            }

            var snapshot = _overlay.ApplyTo(files.Snapshot);
            var errors = Validate(snapshot, files);
            if (errors.Count == 0)
            {
                _files = files;
                Publish(snapshot);
            }

            return new CatalogLoadResult { Snapshot = snapshot, Errors = errors, Sources = files.Sources };
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Creates or replaces a product (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(ProductSpec product, CancellationToken cancellationToken = default) =>
        ChangeAsync(overlay => overlay.With(product with { DeclaredAt = product.DeclaredAt ?? SourceLocation.Api }), cancellationToken);

    /// <summary>Creates or replaces a builder (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(BuilderSpec builder, CancellationToken cancellationToken = default) =>
        ChangeAsync(overlay => overlay.With(builder with { DeclaredAt = builder.DeclaredAt ?? SourceLocation.Api }), cancellationToken);

    /// <summary>Creates or replaces an escalation tier (by name). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(EscalationTierSpec tier, CancellationToken cancellationToken = default) =>
        ChangeAsync(overlay => overlay.With(tier with { DeclaredAt = tier.DeclaredAt ?? SourceLocation.Api }), cancellationToken);

    /// <summary>Creates or replaces a runbook version (by name and version). Returns the errors of the catalog it would produce; empty = applied.</summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(RunbookSpec runbook, CancellationToken cancellationToken = default) =>
        ChangeAsync(overlay => overlay.With(runbook with { DeclaredAt = runbook.DeclaredAt ?? SourceLocation.Api }), cancellationToken);

    /// <summary>
    /// Creates or replaces every entity of <paramref name="changes"/> at once: all are applied, or none when the
    /// catalog they would produce together is invalid (the errors are returned).
    /// </summary>
    public Task<IReadOnlyList<CatalogError>> UpsertAsync(CatalogOverlay changes, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            overlay =>
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

    /// <summary>Validates the would-be catalog; when valid, saves the overlay first, then publishes.</summary>
    private async Task<IReadOnlyList<CatalogError>> ChangeAsync(Func<CatalogOverlay, CatalogOverlay> change, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var files = EnsureInitialized();
            var overlay = change(_overlay);
            var snapshot = overlay.ApplyTo(files.Snapshot);
            var errors = Validate(snapshot, files);
            if (errors.Count > 0)
            {
                return errors;
            }

            await _overlayStore.SaveAsync(overlay, cancellationToken);
            _overlay = overlay;
            Publish(snapshot);
            return [];
        }
        finally
        {
            _changes.Release();
        }
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
