namespace Ops.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None = 0,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    ApplicationRequested,

    /// <summary>It was idle longer than its collection age.</summary>
    ActivationIdle,

    /// <summary>Its partition is being handed to another silo; writes still succeed.</summary>
    PartitionHandoff,

    /// <summary>
    /// Its partition's lease was lost (self-fenced, or taken over). <see cref="Grain.OnDeactivateAsync"/> still
    /// runs so resources can be released, but state writes will fail with <see cref="PartitionOwnershipLostException"/>.
    /// </summary>
    PartitionLost,

    /// <summary>The silo is shutting down gracefully; writes still succeed.</summary>
    ShuttingDown,

    /// <summary><see cref="Grain.OnActivateAsync"/> or loading state failed.</summary>
    ActivationFailed,

    /// <summary>A state write failed its ETag or fencing check; the in-memory state can no longer be trusted.</summary>
    InconsistentState,
}

/// <summary>Why an activation is being deactivated, with a description for logs.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description, Exception? Exception = null)
{
    /// <inheritdoc />
    public override string ToString() => Exception is null ? $"{ReasonCode}: {Description}" : $"{ReasonCode}: {Description} ({Exception.GetType().Name}: {Exception.Message})";
}
