namespace Ops.Runtime.AdoNet.PostgreSql;

/// <summary>The statements of the PostgreSQL store (internal so tests can run them on raw connections).</summary>
internal static class PostgreSqlSql
{
    /// <summary>Takes the partition row's share lock and checks owner and epoch: $1 cluster, $2 partition, $3 silo, $4 epoch.</summary>
    public const string Fence = """
        WITH f AS (
          SELECT 1 FROM rt_partition
           WHERE cluster_id = $1 AND partition_id = $2 AND owner_silo = $3 AND epoch = $4
             FOR SHARE)
        SELECT rt_require((SELECT count(*) FROM f) = 1, 'fence:' || $2::text)
        """;

    /// <summary>The same check with FOR KEY SHARE: the negative control of the fencing tests. Never used by the store.</summary>
    public const string FenceWithKeyShareForTests = """
        WITH f AS (
          SELECT 1 FROM rt_partition
           WHERE cluster_id = $1 AND partition_id = $2 AND owner_silo = $3 AND epoch = $4
             FOR KEY SHARE)
        SELECT rt_require((SELECT count(*) FROM f) = 1, 'fence:' || $2::text)
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 state, $5 expected version, $6 payload (jsonb), $7 epoch, $8 failure tag "unit:operation".</summary>
    public const string UpdateState = """
        WITH u AS (
          UPDATE rt_grain_state
             SET payload = $6, version = version + 1, written_epoch = $7, modified_at = now()
           WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $5
          RETURNING version)
        SELECT rt_require((SELECT count(*) FROM u) = 1,
                 'conflict:' || $8::text || ':' || coalesce((SELECT version::text FROM rt_grain_state
                   WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4), 'absent')),
               (SELECT version FROM u)
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 state, $5 partition, $6 payload (jsonb), $7 epoch, $8 failure tag "unit:operation".</summary>
    public const string InsertState = """
        WITH i AS (
          INSERT INTO rt_grain_state (cluster_id, grain_type, grain_key, state_name, partition_id, version, written_epoch, payload)
          VALUES ($1, $2, $3, $4, $5, 1, $7, $6)
          ON CONFLICT DO NOTHING
          RETURNING version)
        SELECT rt_require((SELECT count(*) FROM i) = 1,
                 'conflict:' || $8::text || ':' || coalesce((SELECT version::text FROM rt_grain_state
                   WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4), 'absent')),
               (SELECT version FROM i)
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 state, $5 expected version, $6 epoch, $7 failure tag "unit:operation".</summary>
    public const string ClearState = """
        WITH u AS (
          UPDATE rt_grain_state
             SET payload = NULL, version = version + 1, written_epoch = $6, modified_at = now()
           WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $5
          RETURNING version)
        SELECT rt_require((SELECT count(*) FROM u) = 1,
                 'conflict:' || $7::text || ':' || coalesce((SELECT version::text FROM rt_grain_state
                   WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4), 'absent')),
               (SELECT version FROM u)
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 name, $5 partition, $6 period ms, $7 first due.</summary>
    public const string UpsertReminder = """
        INSERT INTO rt_reminder (cluster_id, grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)
        ON CONFLICT (cluster_id, grain_type, grain_key, name) DO UPDATE
           SET partition_id = EXCLUDED.partition_id, period_ms = EXCLUDED.period_ms, first_tick_at = EXCLUDED.first_tick_at,
               next_due_at = EXCLUDED.next_due_at, version = rt_reminder.version + 1
        RETURNING true, version
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 name.</summary>
    public const string DeleteReminder = """
        WITH d AS (DELETE FROM rt_reminder WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4 RETURNING 1)
        SELECT true, (SELECT count(*) FROM d)::bigint
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 name, $5 expected version, $6 next due.</summary>
    public const string AdvanceReminder = """
        WITH u AS (
          UPDATE rt_reminder SET next_due_at = $6, version = version + 1
           WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND name = $4 AND version = $5
          RETURNING version)
        SELECT true, coalesce((SELECT version FROM u), 0)
        """;

    /// <summary>$1 cluster, $2 type, $3 key, $4 offset.</summary>
    public const string AdvanceCursor = """
        WITH c AS (
          INSERT INTO rt_inbox_cursor (cluster_id, grain_type, grain_key, applied_offset) VALUES ($1, $2, $3, $4)
          ON CONFLICT (cluster_id, grain_type, grain_key) DO UPDATE
             SET applied_offset = greatest(rt_inbox_cursor.applied_offset, EXCLUDED.applied_offset)
          RETURNING 1)
        SELECT true, 0::bigint FROM c
        """;

    /// <summary>$1 cluster, $2 partition, $3 offset.</summary>
    public const string CommitOffset = """
        WITH u AS (
          UPDATE rt_inbox_partition SET committed_offset = greatest(committed_offset, $3)
           WHERE cluster_id = $1 AND partition_id = $2
          RETURNING 1)
        SELECT true, 0::bigint
        """;

    /// <summary>$1 cluster, $2 partition, $3 offset, $4 type, $5 key, $6 kind, $7 payload, $8 enqueued, $9 attempts, $10 error.</summary>
    public const string Park = """
        WITH p AS (
          INSERT INTO rt_inbox_parked (cluster_id, partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at, attempts, error)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
          ON CONFLICT DO NOTHING
          RETURNING 1)
        SELECT true, 0::bigint
        """;

    /// <summary>
    /// One statement storing a batch of inbox records after fencing every partition involved: $1 cluster, $2 silo,
    /// $3 fence partitions, $4 fence epochs, then the records' $5 partitions, $6 offsets, $7 types, $8 keys,
    /// $9 kinds, $10 payloads, $11 enqueued times. A failed fence raises and nothing is inserted.
    /// </summary>
    public const string Append = """
        WITH mine AS (
          SELECT * FROM unnest($3::integer[], $4::bigint[]) AS m(pid, epoch)),
        fence AS (
          -- Rows are share-locked in ascending partition order, as renewal locks them, so the two never deadlock.
          SELECT p.partition_id FROM rt_partition p
           WHERE p.cluster_id = $1 AND p.owner_silo = $2 AND (p.partition_id, p.epoch) IN (SELECT pid, epoch FROM mine)
           ORDER BY p.partition_id
             FOR SHARE OF p),
        checked AS (
          SELECT rt_require((SELECT count(*) FROM fence) = (SELECT count(*) FROM mine),
                   'fence:' || coalesce((SELECT min(pid) FROM mine WHERE pid NOT IN (SELECT partition_id FROM fence))::text, '?')) AS ok)
        INSERT INTO rt_inbox (cluster_id, partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at)
        SELECT $1, r.pid, r.off, r.gtype, r.gkey, r.kind, r.payload, r.at
          FROM unnest($5::integer[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bytea[], $11::timestamptz[])
               AS r(pid, off, gtype, gkey, kind, payload, at)
          CROSS JOIN checked
         WHERE checked.ok
        """;

    /// <summary>Acquires one partition if unowned or expired (or with $5 whatever its state): $1 silo, $2 ttl ms, $3 cluster, $4 partition, $5 take over.</summary>
    public const string Acquire = """
        UPDATE rt_partition
           SET owner_silo = $1, epoch = epoch + 1, lease_expires_at = now() + make_interval(secs => $2 / 1000.0)
         WHERE cluster_id = $3 AND partition_id = $4 AND (owner_silo IS NULL OR lease_expires_at < now() OR $5)
        RETURNING partition_id, epoch
        """;

    /// <summary>
    /// $1 cluster, $2 silo, $3 ttl ms, $4 partitions, $5 epochs. The rows are locked in ascending partition order
    /// first (as every multi-row statement does) so renewal never deadlocks with writers holding share locks.
    /// </summary>
    public const string Renew = """
        WITH mine AS (
          SELECT * FROM unnest($4::integer[], $5::bigint[]) AS m(pid, epoch)),
        locked AS (
          SELECT p.partition_id FROM rt_partition p
           WHERE p.cluster_id = $1 AND p.owner_silo = $2 AND (p.partition_id, p.epoch) IN (SELECT pid, epoch FROM mine)
           ORDER BY p.partition_id
             FOR NO KEY UPDATE OF p)
        UPDATE rt_partition p
           SET lease_expires_at = now() + make_interval(secs => $3 / 1000.0)
          FROM locked
         WHERE p.cluster_id = $1 AND p.partition_id = locked.partition_id
        RETURNING p.partition_id
        """;

    /// <summary>$1 cluster. Membership rows, as <c>SiloRecord</c>.</summary>
    public const string SelectSilos = "SELECT silo_id, silo_name, host, silo_port, gateway_port, process_id, status, started_at, heartbeat_at FROM rt_silo WHERE cluster_id = $1 ORDER BY started_at";

    /// <summary>$1 cluster. Partition rows with the lease time left in milliseconds (database clock), as <c>PartitionRecord</c>.</summary>
    public const string SelectPartitions = "SELECT partition_id, owner_silo, epoch, (extract(epoch FROM lease_expires_at - now()) * 1000)::bigint FROM rt_partition WHERE cluster_id = $1 ORDER BY partition_id";

    /// <summary>$1 cluster, $2 silo, $3 partitions, $4 epochs. Locks in ascending order, as renewal does.</summary>
    public const string Release = """
        WITH mine AS (
          SELECT * FROM unnest($3::integer[], $4::bigint[]) AS m(pid, epoch)),
        locked AS (
          SELECT p.partition_id FROM rt_partition p
           WHERE p.cluster_id = $1 AND p.owner_silo = $2 AND (p.partition_id, p.epoch) IN (SELECT pid, epoch FROM mine)
           ORDER BY p.partition_id
             FOR NO KEY UPDATE OF p)
        UPDATE rt_partition p
           SET owner_silo = NULL, lease_expires_at = '1970-01-01 00:00:00+00'
          FROM locked
         WHERE p.cluster_id = $1 AND p.partition_id = locked.partition_id
        """;
}
