namespace Ops.Runtime;

/// <summary>
/// A named piece of durable grain state, loaded before <see cref="Grain.OnActivateAsync"/>.
/// </summary>
/// <remarks>
/// <para>Writes are optimistic and fenced. <see cref="Etag"/> is the stored version this activation last read or
/// wrote; a write succeeds only if the stored version still equals it (else <see cref="InconsistentStateException"/>)
/// and only if this silo still owns the grain's partition under the epoch the activation was born with (else
/// <see cref="PartitionOwnershipLostException"/>). Both checks happen in one database transaction, so a silo that
/// lost its lease can never overwrite the new owner's state. After either failure the activation is deactivated
/// at the end of the turn; the next call loads the stored state afresh.</para>
/// <para>When the current turn delivers an inbox record, the first write of the turn also records that the record
/// was applied, in the same transaction: the record's effect on state happens exactly once.</para>
/// </remarks>
public interface IPersistentState<TState>
{
    /// <summary>The state. Assigning replaces it; nothing is stored until <see cref="WriteStateAsync"/>.</summary>
    TState State { get; set; }

    /// <summary>The stored version this activation last observed, or null if no record exists.</summary>
    string? Etag { get; }

    /// <summary>Whether a record exists in storage (a cleared record exists with default state).</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from storage, discarding unsaved changes.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <see cref="State"/>; returns once it is durable. See the remarks for the checks.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Resets <see cref="State"/> to its default and stores that: the record is kept and its version bumped, with
    /// the same checks as a write.
    /// </summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>; the runtime injects the
/// state named <paramref name="stateName"/> of the activation's grain.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state's name within the grain (stored; never rename it once data exists).</summary>
    public string StateName { get; } = stateName;

    /// <summary>Accepted for source compatibility with Orleans; the silo has one store.</summary>
    public string? StorageName { get; } = storageName;
}
