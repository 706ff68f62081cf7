using System.Diagnostics;
using Npgsql;
using Ops.Runtime.AdoNet.PostgreSql;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreContractTests(PostgresDatabase database) : StoreContractTests
{
    protected override IRuntimeStore CreateStore() => StoreFactory.Postgres(database.ConnectionString!, ClusterId);

    protected override bool IsAvailable() => database.ConnectionString is not null;

    protected override void RequireDialect() => database.Require();

    [SkippableFact]
    public async Task Multi_partition_appends_and_lease_renewals_running_together_never_deadlock()
    {
        var connectionString = database.Require();
        var clusterId = $"c{Guid.NewGuid():N}"[..20];
        await using var store = (IAsyncDisposable)StoreFactory.Postgres(connectionString, clusterId);
        var runtimeStore = (IRuntimeStore)store;
        await runtimeStore.InitializeAsync(16, CancellationToken.None);
        var silo = Guid.NewGuid();
        var leases = await runtimeStore.AcquireAsync(silo, Enumerable.Range(0, 16).ToList(), TimeSpan.FromMinutes(1), false, CancellationToken.None);
        var offsets = new long[16];
        var stop = DateTime.UtcNow.AddSeconds(2);

        var appenders = Enumerable.Range(0, 4).Select(a => Task.Run(async () =>
        {
            var random = new Random(a);
            while (DateTime.UtcNow < stop)
            {
                // Each batch spans several partitions, listed in a random order.
                var partitions = Enumerable.Range(0, 16).OrderBy(_ => random.Next()).Take(6).ToList();
                var entries = partitions.Select(p => new InboxEntry(p, Interlocked.Increment(ref offsets[p]), GrainId.Create("g", "k"), "k", new byte[] { 1 }, DateTimeOffset.UtcNow)).ToList();
                await runtimeStore.AppendAsync(silo, partitions.Select(p => leases.Single(l => l.PartitionId == p)).ToList(), entries, CancellationToken.None);
            }
        })).ToList();
        var renewer = Task.Run(async () =>
        {
            while (DateTime.UtcNow < stop)
            {
                Assert.Equal(16, (await runtimeStore.RenewAsync(silo, leases.OrderBy(_ => Guid.NewGuid()).ToList(), TimeSpan.FromMinutes(1), CancellationToken.None)).Count);
            }
        });

        await Task.WhenAll(appenders.Append(renewer));
    }

    [SkippableFact]
    public async Task Two_silos_starting_together_migrate_and_create_the_cluster_once()
    {
        var connectionString = database.Require();
        var clusterId = $"c{Guid.NewGuid():N}"[..20];
        var stores = Enumerable.Range(0, 2).Select(_ => StoreFactory.Postgres(connectionString, clusterId)).ToList();

        var clusters = await Task.WhenAll(stores.Select(s => s.InitializeAsync(8, CancellationToken.None)));

        Assert.Single(clusters, c => c.Created);
        Assert.All(clusters, c => Assert.Equal(8, c.PartitionCount));
        Assert.Equal(8, (await stores[0].ReadPartitionsAsync(CancellationToken.None)).Count);
        foreach (var store in stores)
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }
}

/// <summary>
/// The fencing protocol under real lock interleavings, on two raw connections running the store's own statements
/// (research T9b / T9c): why the fence must be FOR SHARE.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlFencingTests(PostgresDatabase database) : IAsyncLifetime
{
    private readonly string _clusterId = $"f{Guid.NewGuid():N}"[..20];
    private readonly Guid _oldOwner = Guid.NewGuid();
    private readonly Guid _newOwner = Guid.NewGuid();
    private IRuntimeStore? _store;
    private long _epoch;

    public async Task InitializeAsync()
    {
        if (database.ConnectionString is null)
        {
            return;
        }

        _store = StoreFactory.Postgres(database.ConnectionString, _clusterId, leaseLockTimeout: TimeSpan.FromSeconds(10));
        await _store.InitializeAsync(2, CancellationToken.None);
        _epoch = (await _store.AcquireAsync(_oldOwner, [0], TimeSpan.FromMinutes(1), false, CancellationToken.None)).Single().Epoch;
        await _store.ExecuteAsync(new FencedWrite(_oldOwner, 0, _epoch, [new WriteStateOperation(GrainId.Create("fence.grain", "g"), "s", null, "{\"n\":1}"u8.ToArray())]), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await ((IAsyncDisposable)_store).DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_write_holding_the_share_lock_blocks_a_takeover_until_it_commits_and_is_stamped_with_the_old_epoch()
    {
        var connectionString = database.Require();
        await using var writer = new NpgsqlConnection(connectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, PostgreSqlSql.Fence, _clusterId, 0, _oldOwner, _epoch);

        var takeover = _store!.AcquireAsync(_newOwner, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(takeover.IsCompleted, "the takeover must wait for the writer's share lock");
        Assert.True(await WaitingForLockAsync(connectionString), "pg_locks shows the takeover waiting on the partition row");

        await ExecuteAsync(writer, PostgreSqlSql.UpdateState, _clusterId, "fence.grain", "g", "s", 1L, Jsonb("{\"n\":2}"), _epoch, 0);
        await transaction.CommitAsync();

        var acquired = await takeover.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(_epoch + 1, acquired.Single().Epoch);
        Assert.Equal(_epoch, await WrittenEpochAsync(connectionString));
    }

    [SkippableFact]
    public async Task A_takeover_that_commits_first_makes_the_old_owners_write_fail_and_write_nothing()
    {
        database.Require();
        var acquired = await _store!.AcquireAsync(_newOwner, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);
        Assert.Equal(_epoch + 1, acquired.Single().Epoch);

        var write = new FencedWrite(_oldOwner, 0, _epoch, [new WriteStateOperation(GrainId.Create("fence.grain", "g"), "s", 1, "{\"n\":99}"u8.ToArray())]);
        await Assert.ThrowsAsync<PartitionOwnershipLostException>(() => _store.ExecuteAsync(write, CancellationToken.None));

        Assert.Equal(1, (await _store.ReadStateAsync(GrainId.Create("fence.grain", "g"), "s", CancellationToken.None))!.Version);
    }

    [SkippableFact]
    public async Task Negative_control_a_key_share_lock_would_not_block_the_takeover()
    {
        var connectionString = database.Require();
        await using var writer = new NpgsqlConnection(connectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, PostgreSqlSql.FenceWithKeyShareForTests, _clusterId, 0, _oldOwner, _epoch);

        var stopwatch = Stopwatch.StartNew();
        var acquired = await _store!.AcquireAsync(_newOwner, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(_epoch + 1, acquired.Single().Epoch);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(300), $"FOR KEY SHARE does not conflict with the UPDATE ({stopwatch.Elapsed})");
        await transaction.RollbackAsync();
    }

    private static NpgsqlParameter Jsonb(string json) => new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> WaitingForLockAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.query LIKE '%UPDATE rt_partition%'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private async Task<long> WrittenEpochAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT written_epoch FROM rt_grain_state WHERE cluster_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _clusterId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
