using Ops.Runtime.Storage;

namespace Ops.Runtime.Cluster;

/// <summary>Where a partition is served, as the last database read saw it.</summary>
/// <param name="Owner">The owner silo, or null if the partition is unowned or its lease expired.</param>
/// <param name="Epoch">The epoch of the lease.</param>
/// <param name="Address">The owner's internal (silo-to-silo) address, or null if unknown.</param>
internal readonly record struct PartitionRoute(Guid? Owner, long Epoch, Uri? Address);

/// <summary>
/// The routing cache: owner silo and internal address of every partition, from <c>rt_partition</c> and
/// <c>rt_silo</c>. Refreshed periodically and at once when a route turns out stale (NotOwner). Used for routing
/// only: a wrong entry costs a retry, never correctness (the owner re-checks, writes are fenced).
/// </summary>
internal sealed class PartitionMap
{
    private readonly Silo _silo;
    private readonly Lock _lock = new();
    private volatile PartitionRoute[] _routes = [];
    private Task<ClusterSnapshot>? _refreshing;
    private System.Collections.Concurrent.ConcurrentDictionary<int, PartitionRoute>? _staleOnce;

    public PartitionMap(Silo silo)
    {
        _silo = silo;
    }

    /// <summary>The route of <paramref name="partitionId"/> as last read.</summary>
    public PartitionRoute Get(int partitionId)
    {
        if (_staleOnce is { } stale && stale.TryRemove(partitionId, out var injected))
        {
            return injected;
        }

        var routes = _routes;
        return partitionId < routes.Length ? routes[partitionId] : default;
    }

    /// <summary>
    /// Reads the map from the database now; concurrent callers share one read. Throws if the database cannot be
    /// read (the previous map stays).
    /// </summary>
    public Task<ClusterSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_refreshing is { IsCompleted: false } running)
            {
                return running.WaitAsync(cancellationToken);
            }

            _refreshing = ReadAsync();
            return _refreshing.WaitAsync(cancellationToken);
        }
    }

    private void Install(ClusterSnapshot cluster)
    {
        var silos = cluster.Silos.ToDictionary(s => s.SiloId);
        var routes = new PartitionRoute[cluster.Partitions.Count];
        foreach (var partition in cluster.Partitions)
        {
            if (partition.PartitionId >= routes.Length)
            {
                continue;
            }

            Guid? owner = partition.OwnerSilo is { } id && partition.LeaseRemaining > TimeSpan.Zero ? id : null;
            Uri? address = owner is { } o && silos.TryGetValue(o, out var record) && record.SiloPort > 0
                ? new Uri($"http://{FormatHost(record.Host)}:{record.SiloPort}/")
                : null;
            routes[partition.PartitionId] = new PartitionRoute(owner, partition.Epoch, address);
        }

        lock (_lock)
        {
            _routes = routes;
        }
    }

    /// <summary>
    /// Records what this silo itself just did to a partition (acquired: <paramref name="owner"/> is this silo;
    /// released: null) so routing does not wait for the next read.
    /// </summary>
    public void Update(int partitionId, Guid? owner, long epoch, Uri? address)
    {
        lock (_lock)
        {
            if (partitionId >= _routes.Length)
            {
                return;
            }

            var routes = (PartitionRoute[])_routes.Clone();
            routes[partitionId] = new PartitionRoute(owner, epoch, address);
            _routes = routes;
        }
    }

    /// <summary>Tests: the next lookup of <paramref name="partitionId"/> returns <paramref name="route"/> (a stale route), once.</summary>
    public void InjectStaleRoute(int partitionId, PartitionRoute route) =>
        (_staleOnce ??= new System.Collections.Concurrent.ConcurrentDictionary<int, PartitionRoute>())[partitionId] = route;

    private async Task<ClusterSnapshot> ReadAsync()
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var cluster = await _silo.Store.ReadSnapshotAsync(timeout.Token);
        Install(cluster);
        return cluster;
    }

    private static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
