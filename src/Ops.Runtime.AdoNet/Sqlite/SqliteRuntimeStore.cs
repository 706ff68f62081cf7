using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Runtime.AdoNet.Migrations;
using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.Sqlite;

/// <summary>
/// The runtime's store on one SQLite file (WAL). All writes go through one <see cref="SqliteWriter"/> (BEGIN
/// IMMEDIATE, group commit); reads use pooled connections concurrently. The file is held exclusively by one silo.
/// </summary>
internal sealed partial class SqliteRuntimeStore : IRuntimeStore, IAsyncDisposable
{
    /// <summary>The database clock in SQL: Unix milliseconds (works on every SQLite version).</summary>
    internal const string NowMs = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    private readonly SqliteStoreOptions _options;
    private readonly SiloOptions _silo;
    private readonly IDbConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly string _clusterId;
    private readonly string _databasePath;
    private SqliteFileLock? _fileLock;
    private SqliteWriter? _writer;
    private bool _disposed;

    public SqliteRuntimeStore(IOptions<SqliteStoreOptions> options, IOptions<SiloOptions> silo, IServiceProvider services, ILogger<SqliteRuntimeStore> logger)
    {
        _options = options.Value;
        _silo = silo.Value;
        _clusterId = silo.Value.ClusterId;
        _logger = logger;
        _databasePath = Path.GetFullPath(_options.DatabasePath);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        IDbConnectionFactory connections = new SqliteConnectionFactory(connectionString, _options.Synchronous);
        _connections = services.GetService<ConnectionFactoryDecorator>()?.Decorate(connections) ?? connections;
    }

    public string Dialect => "sqlite";

    public bool IsExclusive => true;

    public async Task<ClusterInfo> InitializeAsync(int partitionCount, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var directory = Path.GetDirectoryName(_databasePath)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SiloStartupException($"Cannot create the directory of the SQLite database {_databasePath}: {exception.Message}");
        }

        _fileLock ??= SqliteFileLock.Acquire(_databasePath, $"pid {Environment.ProcessId}, silo '{_silo.SiloName}', since {DateTimeOffset.UtcNow:O}");
        Log.LockTaken(_logger, _databasePath);

        await using (var connection = await OpenReadAsync(cancellationToken))
        {
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }

            await MigrateAsync(connection, cancellationToken);
        }

        _writer = new SqliteWriter(async ct => (SqliteConnection)await _connections.OpenAsync(ct), _options.MaxWriteBatch);
        return await WriteAsync(
            s =>
            {
                var created = s.Execute(
                    $"INSERT INTO rt_cluster (cluster_id, partition_count, created_at) VALUES ($c, $n, {NowMs}) ON CONFLICT DO NOTHING",
                    ("$c", _clusterId),
                    ("$n", partitionCount)) == 1;
                var stored = Convert.ToInt32(s.Scalar("SELECT partition_count FROM rt_cluster WHERE cluster_id = $c", ("$c", _clusterId)), System.Globalization.CultureInfo.InvariantCulture);
                for (var p = 0; p < stored; p++)
                {
                    s.Execute("INSERT INTO rt_partition (cluster_id, partition_id) VALUES ($c, $p) ON CONFLICT DO NOTHING", ("$c", _clusterId), ("$p", p));
                    s.Execute("INSERT INTO rt_inbox_partition (cluster_id, partition_id) VALUES ($c, $p) ON CONFLICT DO NOTHING", ("$c", _clusterId), ("$p", p));
                }

                return new ClusterInfo(_clusterId, stored, created);
            },
            cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public Task RegisterSiloAsync(SiloRegistration silo, CancellationToken cancellationToken) =>
        WriteAsync(
            s => s.Execute(
                $"""
                INSERT INTO rt_silo (cluster_id, silo_id, silo_name, host, silo_port, gateway_port, process_id, status, started_at, heartbeat_at)
                VALUES ($c, $id, $name, $host, $sp, $gp, $pid, $status, {NowMs}, {NowMs})
                ON CONFLICT (cluster_id, silo_id) DO UPDATE
                   SET silo_name = excluded.silo_name, host = excluded.host, silo_port = excluded.silo_port, gateway_port = excluded.gateway_port,
                       process_id = excluded.process_id, status = excluded.status, heartbeat_at = excluded.heartbeat_at
                """,
                ("$c", _clusterId),
                ("$id", silo.SiloId.ToString()),
                ("$name", silo.SiloName),
                ("$host", silo.Host),
                ("$sp", silo.SiloPort),
                ("$gp", silo.GatewayPort),
                ("$pid", silo.ProcessId),
                ("$status", (int)SiloStatus.Active)),
            cancellationToken);

    public Task<SiloStatus?> HeartbeatAsync(Guid siloId, CancellationToken cancellationToken) =>
        WriteAsync(
            s => s.Scalar($"UPDATE rt_silo SET heartbeat_at = {NowMs} WHERE cluster_id = $c AND silo_id = $id RETURNING status", ("$c", _clusterId), ("$id", siloId.ToString())) is long status
                ? (SiloStatus?)(SiloStatus)status
                : null,
            cancellationToken);

    public Task SetSiloStatusAsync(Guid siloId, SiloStatus status, CancellationToken cancellationToken) =>
        WriteAsync(
            s => s.Execute($"UPDATE rt_silo SET status = $status, heartbeat_at = {NowMs} WHERE cluster_id = $c AND silo_id = $id", ("$c", _clusterId), ("$id", siloId.ToString()), ("$status", (int)status)),
            cancellationToken);

    public async Task<IReadOnlyList<SiloRecord>> ReadSilosAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(connection, "SELECT silo_id, silo_name, host, silo_port, gateway_port, process_id, status, started_at, heartbeat_at FROM rt_silo WHERE cluster_id = $c ORDER BY started_at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var silos = new List<SiloRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(new SiloRecord(
                Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                (SiloStatus)reader.GetInt32(6), FromMs(reader.GetInt64(7)), FromMs(reader.GetInt64(8))));
        }

        return silos;
    }

    public async Task<ClusterSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        // One silo per SQLite file: the snapshot needs no single read transaction.
        DateTimeOffset now;
        await using (var connection = await OpenReadAsync(cancellationToken))
        await using (var command = Read(connection, $"SELECT {NowMs}"))
        {
            now = FromMs((long)(await command.ExecuteScalarAsync(cancellationToken))!);
        }

        var silos = await ReadSilosAsync(cancellationToken);
        var partitions = await ReadPartitionsAsync(cancellationToken);
        return new ClusterSnapshot(now, silos, partitions);
    }

    public Task<(int MarkedDead, int Deleted)> CleanUpSilosAsync(TimeSpan deadAfter, TimeSpan retention, CancellationToken cancellationToken) =>
        WriteAsync(
            s => (
                s.Execute(
                    $"UPDATE rt_silo SET status = $dead WHERE cluster_id = $c AND status <> $dead AND heartbeat_at < {NowMs} - $after",
                    ("$c", _clusterId),
                    ("$dead", (int)SiloStatus.Dead),
                    ("$after", (long)deadAfter.TotalMilliseconds)),
                s.Execute(
                    $"DELETE FROM rt_silo WHERE cluster_id = $c AND status = $dead AND heartbeat_at < {NowMs} - $retention",
                    ("$c", _clusterId),
                    ("$dead", (int)SiloStatus.Dead),
                    ("$retention", (long)retention.TotalMilliseconds))),
            cancellationToken);

    public Task<IReadOnlyList<PartitionLease>> AcquireAsync(Guid siloId, IReadOnlyCollection<int> partitionIds, TimeSpan ttl, bool takeOverLiveLeases, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<PartitionLease>>(
            s =>
            {
                var acquired = new List<PartitionLease>();
                foreach (var partitionId in partitionIds)
                {
                    if (s.Scalar(
                            $"""
                            UPDATE rt_partition SET owner_silo = $s, epoch = epoch + 1, lease_expires_at = {NowMs} + $ttl
                             WHERE cluster_id = $c AND partition_id = $p AND (owner_silo IS NULL OR lease_expires_at < {NowMs} OR $takeover)
                            RETURNING epoch
                            """,
                            ("$s", siloId.ToString()),
                            ("$ttl", (long)ttl.TotalMilliseconds),
                            ("$c", _clusterId),
                            ("$p", partitionId),
                            ("$takeover", takeOverLiveLeases)) is long epoch)
                    {
                        acquired.Add(new PartitionLease(partitionId, epoch));
                    }
                }

                return acquired;
            },
            cancellationToken);

    public Task<IReadOnlySet<int>> RenewAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, TimeSpan ttl, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlySet<int>>(
            s =>
            {
                var renewed = new HashSet<int>();
                foreach (var lease in leases)
                {
                    if (s.Execute(
                            $"UPDATE rt_partition SET lease_expires_at = {NowMs} + $ttl WHERE cluster_id = $c AND partition_id = $p AND owner_silo = $s AND epoch = $e",
                            ("$ttl", (long)ttl.TotalMilliseconds),
                            ("$c", _clusterId),
                            ("$p", lease.PartitionId),
                            ("$s", siloId.ToString()),
                            ("$e", lease.Epoch)) == 1)
                    {
                        renewed.Add(lease.PartitionId);
                    }
                }

                return renewed;
            },
            cancellationToken);

    public Task ReleaseAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, CancellationToken cancellationToken) =>
        WriteAsync(
            s =>
            {
                foreach (var lease in leases)
                {
                    s.Execute(
                        "UPDATE rt_partition SET owner_silo = NULL, lease_expires_at = 0 WHERE cluster_id = $c AND partition_id = $p AND owner_silo = $s AND epoch = $e",
                        ("$c", _clusterId),
                        ("$p", lease.PartitionId),
                        ("$s", siloId.ToString()),
                        ("$e", lease.Epoch));
                }

                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<PartitionRecord>> ReadPartitionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(connection, $"SELECT partition_id, owner_silo, epoch, lease_expires_at - {NowMs} FROM rt_partition WHERE cluster_id = $c ORDER BY partition_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var partitions = new List<PartitionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            partitions.Add(new PartitionRecord(reader.GetInt32(0), reader.IsDBNull(1) ? null : Guid.Parse(reader.GetString(1)), reader.GetInt64(2), TimeSpan.FromMilliseconds(reader.GetInt64(3))));
        }

        return partitions;
    }

    public async Task<StoredState?> ReadStateAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(connection, "SELECT payload, version FROM rt_grain_state WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND state_name = $n", ("$t", grainId.Type), ("$k", grainId.Key), ("$n", stateName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        ReadOnlyMemory<byte>? payload = reader.IsDBNull(0) ? default(ReadOnlyMemory<byte>?) : (byte[])reader.GetValue(0);
        return new StoredState(payload, reader.GetInt64(1));
    }

    public Task<IReadOnlyList<long>> ExecuteAsync(FencedWrite write, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<long>>(s => ApplyFenced(s, write), cancellationToken);

    public async Task<IReadOnlyList<ReminderRecord>> ReadDueAsync(IReadOnlyCollection<int> partitionIds, DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(
            connection,
            $"SELECT grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version FROM rt_reminder WHERE cluster_id = $c AND partition_id IN ({string.Join(',', partitionIds)}) AND next_due_at <= $due ORDER BY next_due_at LIMIT $limit",
            ("$due", dueBefore.ToUnixTimeMilliseconds()),
            ("$limit", limit));
        return await ReadRemindersAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderRecord>> ReadForGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(
            connection,
            "SELECT grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version FROM rt_reminder WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k ORDER BY name",
            ("$t", grainId.Type),
            ("$k", grainId.Key));
        return await ReadRemindersAsync(command, cancellationToken);
    }

    public Task AppendAsync(Guid siloId, IReadOnlyList<PartitionLease> fences, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken) =>
        WriteAsync(
            s =>
            {
                CheckFences(s, siloId, fences);
                foreach (var entry in entries)
                {
                    s.Execute(
                        "INSERT INTO rt_inbox (cluster_id, partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at) VALUES ($c, $p, $o, $t, $k, $kind, $payload, $at)",
                        ("$c", _clusterId),
                        ("$p", entry.PartitionId),
                        ("$o", entry.Offset),
                        ("$t", entry.Recipient.Type),
                        ("$k", entry.Recipient.Key),
                        ("$kind", entry.Kind),
                        ("$payload", entry.Payload.ToArray()),
                        ("$at", entry.EnqueuedAt.ToUnixTimeMilliseconds()));
                }

                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<InboxEntry>> ReadAsync(int partitionId, long fromOffset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(
            connection,
            "SELECT inbox_offset, grain_type, grain_key, kind, payload, enqueued_at FROM rt_inbox WHERE cluster_id = $c AND partition_id = $p AND inbox_offset >= $from ORDER BY inbox_offset LIMIT $limit",
            ("$p", partitionId),
            ("$from", fromOffset),
            ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<InboxEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new InboxEntry(partitionId, reader.GetInt64(0), GrainId.Create(reader.GetString(1), reader.GetString(2)), reader.GetString(3), (byte[])reader.GetValue(4), FromMs(reader.GetInt64(5))));
        }

        return entries;
    }

    public async Task<InboxPosition> ReadPositionAsync(int partitionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(
            connection,
            """
            SELECT coalesce((SELECT committed_offset FROM rt_inbox_partition WHERE cluster_id = $c AND partition_id = $p), 0),
                   coalesce((SELECT max(inbox_offset) FROM rt_inbox WHERE cluster_id = $c AND partition_id = $p), 0)
            """,
            ("$p", partitionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var committed = reader.GetInt64(0);

        // Offsets are never reused: trimmed records lie at or below the committed offset.
        return new InboxPosition(Math.Max(reader.GetInt64(1), committed), committed);
    }

    public async Task<long?> ReadCursorAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(connection, "SELECT applied_offset FROM rt_inbox_cursor WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k", ("$t", grainId.Type), ("$k", grainId.Key));
        return await command.ExecuteScalarAsync(cancellationToken) is long offset ? offset : null;
    }

    public async Task<IReadOnlyList<ParkedInboxRecord>> ReadParkedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = Read(
            connection,
            "SELECT partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at, attempts, error, parked_at FROM rt_inbox_parked WHERE cluster_id = $c ORDER BY parked_at DESC LIMIT $limit",
            ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parked = new List<ParkedInboxRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedInboxRecord(
                reader.GetInt32(0), reader.GetInt64(1), GrainId.Create(reader.GetString(2), reader.GetString(3)), reader.GetString(4), (byte[])reader.GetValue(5),
                FromMs(reader.GetInt64(6)), reader.GetInt32(7), reader.GetString(8), FromMs(reader.GetInt64(9))));
        }

        return parked;
    }

    public Task<int> TrimAsync(int partitionId, long upToOffset, DateTimeOffset storedBefore, int limit, CancellationToken cancellationToken) =>
        WriteAsync(
            s => s.Execute(
                """
                DELETE FROM rt_inbox WHERE cluster_id = $c AND partition_id = $p AND inbox_offset IN (
                  SELECT inbox_offset FROM rt_inbox
                   WHERE cluster_id = $c AND partition_id = $p AND inbox_offset <= $o AND enqueued_at < $before
                   ORDER BY inbox_offset LIMIT $limit)
                """,
                ("$c", _clusterId),
                ("$p", partitionId),
                ("$o", upToOffset),
                ("$before", storedBefore.ToUnixTimeMilliseconds()),
                ("$limit", limit)),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _fileLock?.Dispose();
    }

    private static DateTimeOffset FromMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static async Task<IReadOnlyList<ReminderRecord>> ReadRemindersAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reminders = new List<ReminderRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reminders.Add(new ReminderRecord(
                GrainId.Create(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetInt32(3), TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                FromMs(reader.GetInt64(5)), FromMs(reader.GetInt64(6)), reader.GetInt64(7)));
        }

        return reminders;
    }

    private Task<T> WriteAsync<T>(Func<SqliteStatements, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var writer = _writer ?? throw new InvalidOperationException("The SQLite store is not initialized.");
        return writer.ExecuteAsync(work, cancellationToken);
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (SqliteConnection)await _connections.OpenAsync(cancellationToken);
    }

    private SqliteCommand Read(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", _clusterId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: migrations of two processes starting together are serialised by SQLite's write lock.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE IF NOT EXISTS rt_schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<long>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version FROM rt_schema_version";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var script in SchemaScripts.For("Sqlite").Where(s => !applied.Contains(s.Version)))
        {
            await using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = script.Sql;
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO rt_schema_version (version, name, applied_at) VALUES ($v, $n, {NowMs})";
                record.Parameters.AddWithValue("$v", script.Version);
                record.Parameters.AddWithValue("$n", script.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            Log.ScriptApplied(_logger, script.Name, _databasePath);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private sealed class SqliteConnectionFactory(string connectionString, SqliteSynchronousMode synchronous) : IDbConnectionFactory
    {
        private readonly string _pragmas = $"PRAGMA busy_timeout = 5000; PRAGMA synchronous = {(synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL")};";

        public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var pragmas = connection.CreateCommand();
                pragmas.CommandText = _pragmas;
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2201, LogLevel.Information, "Holding the SQLite database {Path} exclusively for this silo")]
        public static partial void LockTaken(ILogger logger, string path);

        [LoggerMessage(2202, LogLevel.Information, "Applied schema script {Script} to {Path}")]
        public static partial void ScriptApplied(ILogger logger, string script, string path);
    }
}
