namespace Ops.Runtime.Partitioning;

/// <summary>
/// <c>partition(g) = FNV-1a/64(utf8(type + "/" + key)) mod N</c>. Fixed forever (INV-11): changing it would move
/// grains away from their stored partition. Test vectors pin it.
/// </summary>
internal sealed class PartitionFunction(int partitionCount)
{
    public int PartitionCount { get; } = partitionCount > 0 ? partitionCount : throw new ArgumentOutOfRangeException(nameof(partitionCount));

    public int GetPartition(GrainId grainId) => (int)(grainId.StableHash % (ulong)PartitionCount);

    public static int GetPartition(GrainId grainId, int partitionCount) => (int)(grainId.StableHash % (ulong)partitionCount);
}
