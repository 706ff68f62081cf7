using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ops.Runtime.AdoNet.PostgreSql;
using Ops.Runtime.AdoNet.Sqlite;
using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.Tests;

/// <summary>Builds stores the way the silo's container does, for tests that talk to a store directly.</summary>
internal static class StoreFactory
{
    public static IRuntimeStore Sqlite(string path, string clusterId, ConnectionFactoryDecorator? decorator = null) =>
        new SqliteRuntimeStore(
            Options.Create(new SqliteStoreOptions { DatabasePath = path }),
            Options.Create(new SiloOptions { ClusterId = clusterId, SiloName = "test" }),
            Services(decorator),
            NullLogger<SqliteRuntimeStore>.Instance);

    public static IRuntimeStore Postgres(string connectionString, string clusterId, TimeSpan? leaseLockTimeout = null) =>
        new PostgreSqlRuntimeStore(
            Options.Create(new PostgreSqlStoreOptions { ConnectionString = connectionString, LeaseLockTimeout = leaseLockTimeout ?? TimeSpan.FromSeconds(1) }),
            Options.Create(new SiloOptions { ClusterId = clusterId, SiloName = "test" }),
            Services(null),
            NullLogger<PostgreSqlRuntimeStore>.Instance);

    private static ServiceProvider Services(ConnectionFactoryDecorator? decorator)
    {
        var services = new ServiceCollection();
        if (decorator is not null)
        {
            services.AddSingleton(decorator);
        }

        return services.BuildServiceProvider();
    }
}
