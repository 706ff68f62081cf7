namespace Ops.Runtime;

/// <summary>
/// A call would wait for a non-reentrant grain that is itself waiting further up the same call chain (A → B → A):
/// it can never complete, so it fails at once instead of hanging until its deadline.
/// </summary>
public sealed class DeadlockException : Exception
{
    public DeadlockException()
    {
    }

    public DeadlockException(string message)
        : base(message)
    {
    }

    public DeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the call chain, outermost caller first.</summary>
    public DeadlockException(IReadOnlyList<GrainId> callChain)
        : base($"Call cycle: {string.Join(" -> ", callChain)}. The target is not reentrant and is waiting on this chain; use [Reentrant], [AlwaysInterleave] or RequestContext.AllowCallChainReentrancy() if the cycle is intended.")
    {
        CallChain = callChain;
    }

    /// <summary>The grains of the cycle, outermost caller first, ending with the target.</summary>
    public IReadOnlyList<GrainId> CallChain { get; } = [];
}

/// <summary>
/// The grain's partition is not served by this silo right now (lease being acquired, self-fenced while renewal
/// fails, being handed off, or owned elsewhere). Nothing ran; retrying later is safe.
/// </summary>
public sealed class PartitionUnavailableException : Exception
{
    public PartitionUnavailableException()
    {
    }

    public PartitionUnavailableException(string message)
        : base(message)
    {
    }

    public PartitionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a partition with the reason.</summary>
    public PartitionUnavailableException(int partitionId, string reason)
        : base($"Partition {partitionId} is not available on this silo: {reason}. Retry later.")
    {
        PartitionId = partitionId;
    }

    /// <summary>The unavailable partition.</summary>
    public int PartitionId { get; }
}

/// <summary>The silo is stopping or stopped: it accepts no new calls.</summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException()
        : base("The silo is stopping or stopped and accepts no calls.")
    {
    }

    public SiloUnavailableException(string message)
        : base(message)
    {
    }

    public SiloUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A grain on another silo threw an exception whose type this silo cannot rebuild; <see cref="RemoteType"/> names it.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException()
    {
    }

    public RemoteGrainException(string message)
        : base(message)
    {
    }

    public RemoteGrainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a remote exception of type <paramref name="remoteType"/>.</summary>
    public RemoteGrainException(string remoteType, string message)
        : base(message)
    {
        RemoteType = remoteType;
    }

    /// <summary>The assembly-qualified name of the exception thrown on the other silo.</summary>
    public string? RemoteType { get; }
}
