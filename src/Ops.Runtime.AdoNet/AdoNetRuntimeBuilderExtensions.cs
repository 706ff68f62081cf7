using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.AdoNet.PostgreSql;
using Ops.Runtime.AdoNet.Sqlite;
using Ops.Runtime.Hosting;

namespace Ops.Runtime.AdoNet;

/// <summary>Chooses where a silo keeps its state.</summary>
public static class AdoNetRuntimeBuilderExtensions
{
    /// <summary>Keeps everything in one SQLite file (the embedded default: one silo owns every partition).</summary>
    public static OpsRuntimeBuilder UseSqlite(this OpsRuntimeBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        return builder.UseStore<SqliteRuntimeStore>();
    }

    /// <summary>Keeps everything in PostgreSQL (clusters of silos).</summary>
    public static OpsRuntimeBuilder UsePostgreSql(this OpsRuntimeBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        return builder.UseStore<PostgreSqlRuntimeStore>();
    }
}
