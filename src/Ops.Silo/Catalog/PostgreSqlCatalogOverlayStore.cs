using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Ops.Catalog;
using Ops.Contracts;

namespace Ops.Silo.Catalog;

/// <summary>
/// Keeps the catalog changes made through the API in the cluster's PostgreSQL database (table
/// <c>ops_catalog_overlay</c>, one row per cluster id), so every silo of the cluster loads the same overlay and a
/// change survives the loss of any silo. Saves are conditional on the version read (see
/// <see cref="ICatalogOverlayStore.TrySaveAsync"/>); the table is created on first use (script
/// <c>Sql/catalog_overlay.postgresql.sql</c>).
/// </summary>
internal sealed class PostgreSqlCatalogOverlayStore : ICatalogOverlayStore
{
    /// <summary>The advisory lock key under which the table is created ("ops-cat" in ASCII).</summary>
    private const long SchemaLockKey = 0x6f70732d636174;

    /// <summary>The embedded Sql/catalog_overlay.postgresql.sql (its logical name is set in Ops.Silo.csproj).</summary>
    private const string SchemaResource = "Ops.Silo.Catalog.Sql.catalog_overlay.postgresql.sql";

    private static readonly Lazy<string> Schema = new(ReadSchemaScript);

    private readonly string _connectionString;
    private readonly string _clusterId;
    private readonly string _siloName;
    private volatile bool _schemaApplied;

    /// <param name="connectionString">The cluster's database (Storage:ConnectionString).</param>
    /// <param name="clusterId">Silo:ClusterId: the row this cluster's overlay is kept in.</param>
    /// <param name="siloName">Silo:SiloName, recorded as <c>saved_by</c>.</param>
    public PostgreSqlCatalogOverlayStore(string connectionString, string clusterId, string siloName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName ??= $"ops-silo:{siloName}:catalog";
        _connectionString = builder.ConnectionString;
        _clusterId = clusterId;
        _siloName = siloName;
    }

    public async Task<CatalogOverlayRevision> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT version, overlay FROM ops_catalog_overlay WHERE cluster_id = $1", _clusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return CatalogOverlayRevision.None;
        }

        var overlay = JsonSerializer.Deserialize<CatalogOverlay>(reader.GetString(1), OpsJson.Options) ?? CatalogOverlay.Empty;
        return new CatalogOverlayRevision(overlay, reader.GetInt64(0));
    }

    public async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT version FROM ops_catalog_overlay WHERE cluster_id = $1", _clusterId);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : 0;
    }

    public async Task<long?> TrySaveAsync(CatalogOverlay overlay, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        var json = new NpgsqlParameter { Value = JsonSerializer.Serialize(overlay, OpsJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb };
        await using var connection = await OpenAsync(cancellationToken);

        // The first save inserts version 1 unless another silo inserted first; every later one moves the version on
        // by one from the version the caller read, or does nothing when another silo saved since.
        await using var command = expectedVersion == 0
            ? Command(
                connection,
                "INSERT INTO ops_catalog_overlay (cluster_id, version, overlay, saved_by) VALUES ($1, 1, $2, $3) ON CONFLICT (cluster_id) DO NOTHING RETURNING version",
                _clusterId,
                json,
                _siloName)
            : Command(
                connection,
                "UPDATE ops_catalog_overlay SET version = version + 1, overlay = $2, saved_by = $3, saved_at = now() WHERE cluster_id = $1 AND version = $4 RETURNING version",
                _clusterId,
                json,
                _siloName,
                expectedVersion);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!_schemaApplied)
            {
                await ApplySchemaAsync(connection, cancellationToken);
                _schemaApplied = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ApplySchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = Command(connection, "SELECT pg_advisory_xact_lock($1)", SchemaLockKey))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(Schema.Value, connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    private static string ReadSchemaScript()
    {
        using var stream = typeof(PostgreSqlCatalogOverlayStore).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The embedded schema script '{SchemaResource}' is missing from {typeof(PostgreSqlCatalogOverlayStore).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
