using Ops.Runtime.Storage;

namespace Ops.Runtime.Catalog;

/// <summary>Fenced writes on behalf of this activation.</summary>
internal sealed partial class Activation
{
    /// <summary>
    /// Executes <paramref name="operations"/> as one fenced unit under this activation's partition and birth epoch.
    /// A failed check marks the activation for deactivation after the turn; a lost partition is reported to the
    /// lease manager so the silo stops serving it at once.
    /// </summary>
    public async Task<IReadOnlyList<long>> ExecuteFencedAsync(IReadOnlyList<StoreOperation> operations, CancellationToken cancellationToken)
    {
        if (PartitionId < 0)
        {
            throw new InvalidOperationException($"{GrainId} is a stateless worker; it cannot write durable state.");
        }

        try
        {
            return await _silo.Store.ExecuteAsync(new FencedWrite(_silo.SiloId, PartitionId, BirthEpoch, operations), cancellationToken);
        }
        catch (PartitionOwnershipLostException)
        {
            MarkInconsistent();
            _silo.Leases.ReportOwnershipLost(PartitionId, BirthEpoch);
            throw;
        }
        catch (InconsistentStateException)
        {
            MarkInconsistent();
            throw;
        }
    }
}
