using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Ops.Runtime.AdoNet.Migrations;
using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.PostgreSql;

/// <summary>
/// The runtime's store on PostgreSQL. Each fenced unit is one batch in one implicit transaction (one round trip);
/// inbox batches are one statement; leases use the database clock.
/// </summary>
internal sealed partial class PostgreSqlRuntimeStore : IRuntimeStore, IAsyncDisposable
{
    /// <summary>The advisory lock key under which migrations run ("ops-rt" in ASCII).</summary>
    private const long MigrationLockKey = 0x6f70732d7274;

    private readonly PostgreSqlStoreOptions _options;
    private readonly string _clusterId;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IDbConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly WriteGroups _writes;
    private bool _disposed;

    public PostgreSqlRuntimeStore(IOptions<PostgreSqlStoreOptions> options, IOptions<SiloOptions> silo, IServiceProvider services, ILogger<PostgreSqlRuntimeStore> logger)
    {
        _options = options.Value;
        _clusterId = silo.Value.ClusterId;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(_options.ConnectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        // The store never changes session state outside a transaction (lock_timeout is set transaction-locally), so
        // the reset Npgsql would otherwise run on every pooled open is pure overhead.
        builder.NoResetOnClose = true;

        builder.CommandTimeout = (int)Math.Ceiling(_options.CommandTimeout.TotalSeconds);
        builder.ApplicationName ??= $"ops-silo:{silo.Value.SiloName}";
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        IDbConnectionFactory connections = new DataSourceConnectionFactory(_dataSource);
        _connections = services.GetService<ConnectionFactoryDecorator>()?.Decorate(connections) ?? connections;
        _writes = new WriteGroups(_options.WriteGroups, _options.MaxUnitsPerTransaction, CommitUnitsAsync);
    }

    public string Dialect => "postgresql";

    public bool IsExclusive => false;

    public async Task<ClusterInfo> InitializeAsync(int partitionCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await MigrateAsync(connection, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        bool created;
        await using (var insert = Command(connection, "INSERT INTO rt_cluster (cluster_id, partition_count) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1", _clusterId, partitionCount))
        {
            created = await insert.ExecuteScalarAsync(cancellationToken) is not null;
        }

        int stored;
        await using (var read = Command(connection, "SELECT partition_count FROM rt_cluster WHERE cluster_id = $1", _clusterId))
        {
            stored = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var rows = Command(
            connection,
            """
            INSERT INTO rt_partition (cluster_id, partition_id) SELECT $1, g FROM generate_series(0, $2 - 1) g ON CONFLICT DO NOTHING;
            """,
            _clusterId,
            stored))
        {
            await rows.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var rows = Command(connection, "INSERT INTO rt_inbox_partition (cluster_id, partition_id) SELECT $1, g FROM generate_series(0, $2 - 1) g ON CONFLICT DO NOTHING", _clusterId, stored))
        {
            await rows.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ClusterInfo(_clusterId, stored, created);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task RegisterSiloAsync(SiloRegistration silo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            INSERT INTO rt_silo (cluster_id, silo_id, silo_name, host, silo_port, gateway_port, process_id, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (cluster_id, silo_id) DO UPDATE
               SET silo_name = EXCLUDED.silo_name, host = EXCLUDED.host, silo_port = EXCLUDED.silo_port, gateway_port = EXCLUDED.gateway_port,
                   process_id = EXCLUDED.process_id, status = EXCLUDED.status, heartbeat_at = now()
            """,
            _clusterId,
            silo.SiloId,
            silo.SiloName,
            silo.Host,
            silo.SiloPort,
            silo.GatewayPort,
            silo.ProcessId,
            (short)SiloStatus.Active);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<SiloStatus?> HeartbeatAsync(Guid siloId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE rt_silo SET heartbeat_at = now() WHERE cluster_id = $1 AND silo_id = $2 RETURNING status", _clusterId, siloId);
        return await command.ExecuteScalarAsync(cancellationToken) is short status ? (SiloStatus)status : null;
    }

    public async Task SetSiloStatusAsync(Guid siloId, SiloStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE rt_silo SET status = $3, heartbeat_at = now() WHERE cluster_id = $1 AND silo_id = $2", _clusterId, siloId, (short)status);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SiloRecord>> ReadSilosAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, PostgreSqlSql.SelectSilos, _clusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadSilosAsync(reader, cancellationToken);
    }

    private static async Task<List<SiloRecord>> ReadSilosAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var silos = new List<SiloRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(new SiloRecord(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                (SiloStatus)reader.GetInt16(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return silos;
    }

    private static async Task<List<PartitionRecord>> ReadPartitionsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var partitions = new List<PartitionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            partitions.Add(new PartitionRecord(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetInt64(2), TimeSpan.FromMilliseconds(reader.GetInt64(3))));
        }

        return partitions;
    }

    public async Task<ClusterSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand("SELECT now()"));
        batch.BatchCommands.Add(BatchCommand(PostgreSqlSql.SelectSilos, _clusterId));
        batch.BatchCommands.Add(BatchCommand(PostgreSqlSql.SelectPartitions, _clusterId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var now = reader.GetFieldValue<DateTimeOffset>(0);
        await reader.NextResultAsync(cancellationToken);
        var silos = await ReadSilosAsync(reader, cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        var partitions = await ReadPartitionsAsync(reader, cancellationToken);

        return new ClusterSnapshot(now, silos, partitions);
    }

    public async Task<(int MarkedDead, int Deleted)> CleanUpSilosAsync(TimeSpan deadAfter, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand(
            "UPDATE rt_silo SET status = $2 WHERE cluster_id = $1 AND status <> $2 AND heartbeat_at < now() - make_interval(secs => $3 / 1000.0)",
            _clusterId,
            (short)SiloStatus.Dead,
            (long)deadAfter.TotalMilliseconds));
        batch.BatchCommands.Add(BatchCommand(
            "DELETE FROM rt_silo WHERE cluster_id = $1 AND status = $2 AND heartbeat_at < now() - make_interval(secs => $3 / 1000.0)",
            _clusterId,
            (short)SiloStatus.Dead,
            (long)retention.TotalMilliseconds));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return (batch.BatchCommands[0].RecordsAffected, batch.BatchCommands[1].RecordsAffected);
    }

    public async Task<IReadOnlyList<PartitionLease>> AcquireAsync(Guid siloId, IReadOnlyCollection<int> partitionIds, TimeSpan ttl, bool takeOverLiveLeases, CancellationToken cancellationToken)
    {
        var acquired = new List<PartitionLease>();
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var partitionId in partitionIds)
        {
            // One short transaction per partition, bounded by a lock timeout: a partition whose row is held by a
            // writer (a live owner, or a paused one until idle_in_transaction_session_timeout) is skipped this time.
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(BatchCommand("SELECT set_config('lock_timeout', $1, true)", $"{(int)_options.LeaseLockTimeout.TotalMilliseconds}ms"));
            batch.BatchCommands.Add(BatchCommand(PostgreSqlSql.Acquire, siloId, (long)ttl.TotalMilliseconds, _clusterId, partitionId, takeOverLiveLeases));
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                await reader.NextResultAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    acquired.Add(new PartitionLease(reader.GetInt32(0), reader.GetInt64(1)));
                }
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected)
            {
                Log.AcquireSkipped(_logger, partitionId, exception.SqlState);
            }
        }

        return acquired;
    }

    public async Task<IReadOnlySet<int>> RenewAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, PostgreSqlSql.Renew, _clusterId, siloId, (long)ttl.TotalMilliseconds, leases.Select(l => l.PartitionId).ToArray(), leases.Select(l => l.Epoch).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var renewed = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            renewed.Add(reader.GetInt32(0));
        }

        return renewed;
    }

    public async Task ReleaseAsync(Guid siloId, IReadOnlyCollection<PartitionLease> leases, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, PostgreSqlSql.Release, _clusterId, siloId, leases.Select(l => l.PartitionId).ToArray(), leases.Select(l => l.Epoch).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PartitionRecord>> ReadPartitionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, PostgreSqlSql.SelectPartitions, _clusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadPartitionsAsync(reader, cancellationToken);
    }

    public async Task<StoredState?> ReadStateAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT payload::text, version FROM rt_grain_state WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4", _clusterId, grainId.Type, grainId.Key, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        ReadOnlyMemory<byte>? payload = reader.IsDBNull(0) ? default(ReadOnlyMemory<byte>?) : Encoding.UTF8.GetBytes(reader.GetString(0));
        return new StoredState(payload, reader.GetInt64(1));
    }

    public Task<IReadOnlyList<long>> ExecuteAsync(FencedWrite write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _writes.ExecuteAsync(write, cancellationToken);
    }

    /// <summary>
    /// Commits pending units in one transaction (one batch, one round trip): every (partition, silo, epoch) fence
    /// involved once, in ascending partition order, then every unit's operations. A unit that fails its check is
    /// answered with its exception and the rest are committed without it; a lost fence fails every unit written under it.
    /// </summary>
    private async Task CommitUnitsAsync(IReadOnlyList<PendingUnit> units, CancellationToken stopping)
    {
        var remaining = units.ToList();
        while (remaining.Count > 0)
        {
            var fences = remaining.Select(u => (u.Write.PartitionId, u.Write.SiloId, u.Write.Epoch)).Distinct().OrderBy(f => f.PartitionId).ToList();
            await using var connection = await OpenAsync(stopping);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var (partitionId, siloId, epoch) in fences)
            {
                batch.BatchCommands.Add(BatchCommand(PostgreSqlSql.Fence, _clusterId, partitionId, siloId, epoch));
            }

            for (var u = 0; u < remaining.Count; u++)
            {
                var write = remaining[u].Write;
                for (var i = 0; i < write.Operations.Count; i++)
                {
                    batch.BatchCommands.Add(ToCommand(write, write.Operations[i], $"{u}:{i}"));
                }
            }

            try
            {
                var results = new List<long[]>(remaining.Count);
                await using (var reader = await batch.ExecuteReaderAsync(stopping))
                {
                    for (var f = 1; f < fences.Count; f++)
                    {
                        await reader.NextResultAsync(stopping);
                    }

                    foreach (var unit in remaining)
                    {
                        var values = new long[unit.Write.Operations.Count];
                        for (var i = 0; i < values.Length; i++)
                        {
                            await reader.NextResultAsync(stopping);
                            if (await reader.ReadAsync(stopping) && !reader.IsDBNull(1))
                            {
                                values[i] = reader.GetInt64(1);
                            }
                        }

                        results.Add(values);
                    }
                }

                for (var u = 0; u < remaining.Count; u++)
                {
                    remaining[u].Completion.TrySetResult(results[u]);
                }

                return;
            }
            catch (PostgresException exception) when (exception.SqlState == "RTF01")
            {
                // One fence failed: the units written under it fail; the others are retried without them.
                var lost = fences.Count == 1 ? fences[0] : FenceOf(exception, fences);
                foreach (var unit in remaining.Where(u => (u.Write.PartitionId, u.Write.SiloId, u.Write.Epoch) == lost).ToList())
                {
                    unit.Completion.TrySetException(new PartitionOwnershipLostException(unit.Write.PartitionId, unit.Write.Epoch));
                    remaining.Remove(unit);
                }
            }
            catch (PostgresException exception) when (exception.SqlState == "RTV01")
            {
                // "conflict:<unit>:<operation>:<stored version or absent>"
                var parts = exception.MessageText.Split(':');
                var u = int.Parse(parts[1], CultureInfo.InvariantCulture);
                var i = int.Parse(parts[2], CultureInfo.InvariantCulture);
                long? stored = long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
                var failed = remaining[u];
                failed.Completion.TrySetException(new StoreConflictException(i, failed.Write.Operations[i], stored));
                remaining.RemoveAt(u);
            }
        }
    }

    private static (int PartitionId, Guid SiloId, long Epoch) FenceOf(PostgresException exception, List<(int PartitionId, Guid SiloId, long Epoch)> fences)
    {
        var index = exception.BatchCommand is { } command && command.Parameters.Count >= 4
            ? fences.FindIndex(f => Equals(command.Parameters[1].Value, f.PartitionId) && Equals(command.Parameters[2].Value, f.SiloId) && Equals(command.Parameters[3].Value, f.Epoch))
            : -1;
        return fences[Math.Max(index, 0)];
    }

    public async Task<IReadOnlyList<ReminderRecord>> ReadDueAsync(IReadOnlyCollection<int> partitionIds, DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            "SELECT grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version FROM rt_reminder WHERE cluster_id = $1 AND partition_id = ANY($2) AND next_due_at <= $3 ORDER BY next_due_at LIMIT $4",
            _clusterId,
            partitionIds.ToArray(),
            dueBefore.UtcDateTime,
            limit);
        return await ReadRemindersAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderRecord>> ReadForGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            "SELECT grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version FROM rt_reminder WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 ORDER BY name",
            _clusterId,
            grainId.Type,
            grainId.Key);
        return await ReadRemindersAsync(command, cancellationToken);
    }

    public async Task AppendAsync(Guid siloId, IReadOnlyList<PartitionLease> fences, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken)
    {
        var count = entries.Count;
        var partitions = new int[count];
        var offsets = new long[count];
        var types = new string[count];
        var keys = new string[count];
        var kinds = new string[count];
        var payloads = new byte[count][];
        var enqueued = new DateTime[count];
        for (var i = 0; i < count; i++)
        {
            var entry = entries[i];
            partitions[i] = entry.PartitionId;
            offsets[i] = entry.Offset;
            types[i] = entry.Recipient.Type;
            keys[i] = entry.Recipient.Key;
            kinds[i] = entry.Kind;
            payloads[i] = entry.Payload.ToArray();
            enqueued[i] = entry.EnqueuedAt.UtcDateTime;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            PostgreSqlSql.Append,
            _clusterId,
            siloId,
            fences.Select(f => f.PartitionId).ToArray(),
            fences.Select(f => f.Epoch).ToArray(),
            partitions,
            offsets,
            types,
            keys,
            kinds,
            payloads,
            enqueued);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == "RTF01")
        {
            var partition = int.TryParse(exception.MessageText.AsSpan("fence:".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : fences[0].PartitionId;
            throw new PartitionOwnershipLostException(partition, fences.FirstOrDefault(f => f.PartitionId == partition).Epoch);
        }
    }

    public async Task<IReadOnlyList<InboxEntry>> ReadAsync(int partitionId, long fromOffset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            "SELECT inbox_offset, grain_type, grain_key, kind, payload, enqueued_at FROM rt_inbox WHERE cluster_id = $1 AND partition_id = $2 AND inbox_offset >= $3 ORDER BY inbox_offset LIMIT $4",
            _clusterId,
            partitionId,
            fromOffset,
            limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<InboxEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new InboxEntry(
                partitionId, reader.GetInt64(0), GrainId.Create(reader.GetString(1), reader.GetString(2)), reader.GetString(3),
                reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return entries;
    }

    public async Task<InboxPosition> ReadPositionAsync(int partitionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            SELECT coalesce((SELECT committed_offset FROM rt_inbox_partition WHERE cluster_id = $1 AND partition_id = $2), 0),
                   coalesce((SELECT max(inbox_offset) FROM rt_inbox WHERE cluster_id = $1 AND partition_id = $2), 0)
            """,
            _clusterId,
            partitionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var committed = reader.GetInt64(0);

        // Offsets are never reused: trimmed records lie at or below the committed offset.
        return new InboxPosition(Math.Max(reader.GetInt64(1), committed), committed);
    }

    public async Task<long?> ReadCursorAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT applied_offset FROM rt_inbox_cursor WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3", _clusterId, grainId.Type, grainId.Key);
        return await command.ExecuteScalarAsync(cancellationToken) is long offset ? offset : null;
    }

    public async Task<IReadOnlyList<ParkedInboxRecord>> ReadParkedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            "SELECT partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at, attempts, error, parked_at FROM rt_inbox_parked WHERE cluster_id = $1 ORDER BY parked_at DESC LIMIT $2",
            _clusterId,
            limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parked = new List<ParkedInboxRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedInboxRecord(
                reader.GetInt32(0), reader.GetInt64(1), GrainId.Create(reader.GetString(2), reader.GetString(3)), reader.GetString(4), reader.GetFieldValue<byte[]>(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return parked;
    }

    public async Task<int> TrimAsync(int partitionId, long upToOffset, DateTimeOffset storedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            DELETE FROM rt_inbox WHERE cluster_id = $1 AND partition_id = $2 AND inbox_offset IN (
              SELECT inbox_offset FROM rt_inbox
               WHERE cluster_id = $1 AND partition_id = $2 AND inbox_offset <= $3 AND enqueued_at < $4
               ORDER BY inbox_offset LIMIT $5)
            """,
            _clusterId,
            partitionId,
            upToOffset,
            storedBefore.UtcDateTime,
            limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _writes.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private static async Task<IReadOnlyList<ReminderRecord>> ReadRemindersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reminders = new List<ReminderRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reminders.Add(new ReminderRecord(
                GrainId.Create(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetInt32(3), TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt64(7)));
        }

        return reminders;
    }

    private NpgsqlBatchCommand ToCommand(FencedWrite write, StoreOperation operation, string index)
    {
        var partition = write.PartitionId;
        return operation switch
        {
            WriteStateOperation { ExpectedVersion: { } expected } w =>
                BatchCommand(PostgreSqlSql.UpdateState, _clusterId, w.GrainId.Type, w.GrainId.Key, w.StateName, expected, Jsonb(w.Payload), write.Epoch, index),
            WriteStateOperation w =>
                BatchCommand(PostgreSqlSql.InsertState, _clusterId, w.GrainId.Type, w.GrainId.Key, w.StateName, partition, Jsonb(w.Payload), write.Epoch, index),
            ClearStateOperation c =>
                BatchCommand(PostgreSqlSql.ClearState, _clusterId, c.GrainId.Type, c.GrainId.Key, c.StateName, c.ExpectedVersion, write.Epoch, index),
            UpsertReminderOperation r =>
                BatchCommand(PostgreSqlSql.UpsertReminder, _clusterId, r.GrainId.Type, r.GrainId.Key, r.Name, partition, (long)r.Period.TotalMilliseconds, r.FirstDue.UtcDateTime),
            DeleteReminderOperation d =>
                BatchCommand(PostgreSqlSql.DeleteReminder, _clusterId, d.GrainId.Type, d.GrainId.Key, d.Name),
            AdvanceReminderOperation a =>
                BatchCommand(PostgreSqlSql.AdvanceReminder, _clusterId, a.GrainId.Type, a.GrainId.Key, a.Name, a.ExpectedVersion, a.NextDue.UtcDateTime),
            AdvanceInboxCursorOperation c =>
                BatchCommand(PostgreSqlSql.AdvanceCursor, _clusterId, c.GrainId.Type, c.GrainId.Key, c.Offset),
            CommitInboxOffsetOperation o =>
                BatchCommand(PostgreSqlSql.CommitOffset, _clusterId, partition, o.Offset),
            ParkInboxRecordOperation p =>
                BatchCommand(PostgreSqlSql.Park, _clusterId, partition, p.Offset, p.GrainId.Type, p.GrainId.Key, p.Kind, p.Payload.ToArray(), p.EnqueuedAt.UtcDateTime, p.Attempts, p.Error),
            _ => throw new NotSupportedException($"The PostgreSQL store does not know {operation.GetType().Name}."),
        };
    }

    private static NpgsqlParameter Jsonb(ReadOnlyMemory<byte> utf8) =>
        new NpgsqlParameter<string> { TypedValue = Encoding.UTF8.GetString(utf8.Span), NpgsqlDbType = NpgsqlDbType.Jsonb };

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (NpgsqlConnection)await _connections.OpenAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(ToParameter(parameter));
        }

        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(ToParameter(parameter));
        }

        return command;
    }

    private static NpgsqlParameter ToParameter(object value) => value switch
    {
        NpgsqlParameter parameter => parameter,
        string s => new NpgsqlParameter<string> { TypedValue = s },
        int i => new NpgsqlParameter<int> { TypedValue = i },
        long l => new NpgsqlParameter<long> { TypedValue = l },
        short s => new NpgsqlParameter<short> { TypedValue = s },
        bool b => new NpgsqlParameter<bool> { TypedValue = b },
        Guid g => new NpgsqlParameter<Guid> { TypedValue = g },
        DateTime d => new NpgsqlParameter<DateTime> { TypedValue = d },
        byte[] bytes => new NpgsqlParameter<byte[]> { TypedValue = bytes },
        int[] ints => new NpgsqlParameter<int[]> { TypedValue = ints },
        long[] longs => new NpgsqlParameter<long[]> { TypedValue = longs },
        string[] strings => new NpgsqlParameter<string[]> { TypedValue = strings },
        byte[][] blobs => new NpgsqlParameter<byte[][]> { TypedValue = blobs },
        DateTime[] times => new NpgsqlParameter<DateTime[]> { TypedValue = times },
        _ => throw new NotSupportedException($"No PostgreSQL parameter mapping for {value.GetType().Name}."),
    };

    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory
    {
        public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Debug, "Partition {PartitionId} not acquired this time ({SqlState}): its row is locked by a writer")]
        public static partial void AcquireSkipped(ILogger logger, int partitionId, string sqlState);

        [LoggerMessage(2102, LogLevel.Information, "Applied schema script {Script} to PostgreSQL")]
        public static partial void ScriptApplied(ILogger logger, string script);
    }

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = Command(connection, "SELECT pg_advisory_xact_lock($1)", MigrationLockKey))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = Command(connection, "CREATE TABLE IF NOT EXISTS rt_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var command = Command(connection, "SELECT version FROM rt_schema_version"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var script in SchemaScripts.For("PostgreSql").Where(s => !applied.Contains(s.Version)))
        {
            await using (var command = new NpgsqlCommand(script.Sql, connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = Command(connection, "INSERT INTO rt_schema_version (version, name) VALUES ($1, $2)", script.Version, script.Name))
            {
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            Log.ScriptApplied(_logger, script.Name);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
