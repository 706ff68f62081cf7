using System.Globalization;
using Ops.Runtime.Catalog;
using Ops.Runtime.Inbox;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Persistence;

/// <summary>The runtime's side of a persistent state: loaded by the activation turn.</summary>
internal interface IPersistentStateBinding
{
    Task ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Creates persistent states of a type known only at run time.</summary>
internal static class PersistentStateBinding
{
    public static IPersistentStateBinding Create(Type stateType, Activation activation, string stateName) =>
        (IPersistentStateBinding)Activator.CreateInstance(typeof(PersistentState<>).MakeGenericType(stateType), activation, stateName)!;
}

/// <summary>
/// <see cref="IPersistentState{TState}"/> over the fenced write unit: every write carries the activation's
/// partition and birth epoch, and the version it last observed.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateBinding
{
    private readonly Activation _activation;
    private readonly string _stateName;
    private long? _version;

    public PersistentState(Activation activation, string stateName)
    {
        _activation = activation;
        _stateName = stateName;
        State = CreateDefault();
    }

    public TState State { get; set; }

    public string? Etag => _version?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    Task IPersistentStateBinding.ReadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _activation.Silo.Store.ReadStateAsync(_activation.GrainId, _stateName, cancellationToken);
        _version = stored?.Version;
        if (stored?.Payload is { } payload)
        {
            State = _activation.Silo.Serializer.Deserialize<TState>(payload.Span) ?? CreateDefault();
            RecordExists = true;
        }
        else
        {
            State = CreateDefault();
            RecordExists = false;
        }
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var payload = _activation.Silo.Serializer.Serialize(State);
        var delivery = InboxDelivery.PendingFor(_activation);
        StoreOperation[] operations = delivery is null
            ? [new WriteStateOperation(_activation.GrainId, _stateName, _version, payload)]
            : [new WriteStateOperation(_activation.GrainId, _stateName, _version, payload), new AdvanceInboxCursorOperation(_activation.GrainId, delivery.Record.Offset)];
        IReadOnlyList<long> versions;
        try
        {
            versions = await _activation.ExecuteFencedAsync(operations, cancellationToken);
        }
        catch
        {
            // State was changed in memory but not stored: discard the activation so the next message reloads it.
            _activation.DeactivateOnIdle();
            throw;
        }

        _version = versions[0];
        RecordExists = true;
        delivery?.MarkApplied();
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        if (_version is not { } version)
        {
            State = CreateDefault();
            return;
        }

        var delivery = InboxDelivery.PendingFor(_activation);
        StoreOperation[] operations = delivery is null
            ? [new ClearStateOperation(_activation.GrainId, _stateName, version)]
            : [new ClearStateOperation(_activation.GrainId, _stateName, version), new AdvanceInboxCursorOperation(_activation.GrainId, delivery.Record.Offset)];
        var versions = await _activation.ExecuteFencedAsync(operations, cancellationToken);
        _version = versions[0];
        RecordExists = false;
        State = CreateDefault();
        delivery?.MarkApplied();
    }

    private static TState CreateDefault()
    {
        if (typeof(TState).IsValueType || typeof(TState).GetConstructor(Type.EmptyTypes) is null)
        {
            return default!;
        }

        return Activator.CreateInstance<TState>();
    }
}
