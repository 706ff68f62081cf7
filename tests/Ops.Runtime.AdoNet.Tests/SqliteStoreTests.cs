using Microsoft.Data.Sqlite;
using Ops.Runtime.Storage;
using Ops.Runtime.Testing.Faults;

namespace Ops.Runtime.AdoNet.Tests;

public sealed class SqliteStoreContractTests : StoreContractTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ops-store-").FullName;

    protected override IRuntimeStore CreateStore() => StoreFactory.Sqlite(Path.Combine(_directory, "ops.db"), ClusterId);

    protected override bool IsAvailable() => true;

    protected override void RequireDialect()
    {
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ops-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "ops.db");

    [Fact]
    public async Task A_second_store_on_the_same_file_is_refused_with_a_message_naming_the_file_and_the_holder()
    {
        await using var first = (IAsyncDisposable)StoreFactory.Sqlite(DatabasePath, "one");
        await ((IRuntimeStore)first).InitializeAsync(4, CancellationToken.None);
        await using var second = (IAsyncDisposable)StoreFactory.Sqlite(DatabasePath, "one");

        var refused = await Assert.ThrowsAsync<StoreInUseException>(() => ((IRuntimeStore)second).InitializeAsync(4, CancellationToken.None));

        Assert.Contains(DatabasePath, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("use PostgreSQL to run several silos", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_first_store_is_closed_another_one_can_open_the_file()
    {
        var first = StoreFactory.Sqlite(DatabasePath, "one");
        await first.InitializeAsync(4, CancellationToken.None);
        await ((IAsyncDisposable)first).DisposeAsync();

        await using var second = (IAsyncDisposable)StoreFactory.Sqlite(DatabasePath, "one");
        var cluster = await ((IRuntimeStore)second).InitializeAsync(4, CancellationToken.None);

        Assert.False(cluster.Created);
    }

    [Fact]
    public async Task Connections_are_in_wal_mode_and_sync_every_commit()
    {
        IDbConnectionFactory? storeConnections = null;
        var decorator = new ConnectionFactoryDecorator(inner => storeConnections = inner);
        await using var store = (IAsyncDisposable)StoreFactory.Sqlite(DatabasePath, "one", decorator);
        await ((IRuntimeStore)store).InitializeAsync(4, CancellationToken.None);

        await using var connection = await storeConnections!.OpenAsync(CancellationToken.None);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await pragma.ExecuteScalarAsync());
        pragma.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await pragma.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Injected_connection_faults_reach_the_store_and_healing_restores_it()
    {
        var faults = new FaultInjectingConnectionFactory();
        await using var store = (IAsyncDisposable)StoreFactory.Sqlite(DatabasePath, "one", new ConnectionFactoryDecorator(faults.Wrap));
        var runtimeStore = (IRuntimeStore)store;
        await runtimeStore.InitializeAsync(4, CancellationToken.None);

        faults.Fail(new TimeoutException("database unreachable"));
        await Assert.ThrowsAsync<TimeoutException>(() => runtimeStore.PingAsync(CancellationToken.None));

        faults.BlackHole();
        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runtimeStore.PingAsync(giveUp.Token));
        }

        faults.Heal();
        await runtimeStore.PingAsync(CancellationToken.None);
        Assert.Equal(2, faults.FaultedAttempts);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
