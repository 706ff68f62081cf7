using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.Sqlite;

/// <summary>Fenced units on SQLite: run by the single writer inside BEGIN IMMEDIATE, in a savepoint of their own.</summary>
internal sealed partial class SqliteRuntimeStore
{
    /// <summary>Checks owner and epoch of the partition row; BEGIN IMMEDIATE already serialises every writer.</summary>
    internal void CheckFence(SqliteStatements s, Guid siloId, int partitionId, long epoch)
    {
        var held = (long)s.Scalar(
            "SELECT count(*) FROM rt_partition WHERE cluster_id = $c AND partition_id = $p AND owner_silo = $s AND epoch = $e",
            ("$c", _clusterId),
            ("$p", partitionId),
            ("$s", siloId.ToString()),
            ("$e", epoch))!;
        if (held != 1)
        {
            throw new PartitionOwnershipLostException(partitionId, epoch);
        }
    }

    /// <summary>Checks several fences with one query: every partition must be owned by the silo under its epoch.</summary>
    internal void CheckFences(SqliteStatements s, Guid siloId, IReadOnlyList<PartitionLease> fences)
    {
        if (fences.Count == 1)
        {
            CheckFence(s, siloId, fences[0].PartitionId, fences[0].Epoch);
            return;
        }

        var held = new Dictionary<int, long>();
        using (var reader = s.Bind("SELECT partition_id, epoch FROM rt_partition WHERE cluster_id = $c AND owner_silo = $s", ("$c", _clusterId), ("$s", siloId.ToString())).ExecuteReader())
        {
            while (reader.Read())
            {
                held[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        foreach (var fence in fences)
        {
            if (!held.TryGetValue(fence.PartitionId, out var epoch) || epoch != fence.Epoch)
            {
                throw new PartitionOwnershipLostException(fence.PartitionId, fence.Epoch);
            }
        }
    }

    private long[] ApplyFenced(SqliteStatements s, FencedWrite write)
    {
        CheckFence(s, write.SiloId, write.PartitionId, write.Epoch);
        var results = new long[write.Operations.Count];
        for (var i = 0; i < write.Operations.Count; i++)
        {
            results[i] = Apply(s, write, write.Operations[i], i);
        }

        return results;
    }

    private long Apply(SqliteStatements s, FencedWrite write, StoreOperation operation, int index)
    {
        switch (operation)
        {
            case WriteStateOperation { ExpectedVersion: { } expected } w:
                return s.Scalar(
                        $"""
                        UPDATE rt_grain_state SET payload = $payload, version = version + 1, written_epoch = $e, modified_at = {NowMs}
                         WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND state_name = $n AND version = $v
                        RETURNING version
                        """,
                        ("$payload", w.Payload.ToArray()),
                        ("$e", write.Epoch),
                        ("$c", _clusterId),
                        ("$t", w.GrainId.Type),
                        ("$k", w.GrainId.Key),
                        ("$n", w.StateName),
                        ("$v", expected)) as long?
                    ?? throw Conflict(s, index, operation, w.GrainId, w.StateName);

            case WriteStateOperation w:
                return s.Scalar(
                        $"""
                        INSERT INTO rt_grain_state (cluster_id, grain_type, grain_key, state_name, partition_id, version, written_epoch, payload, modified_at)
                        VALUES ($c, $t, $k, $n, $p, 1, $e, $payload, {NowMs})
                        ON CONFLICT DO NOTHING
                        RETURNING version
                        """,
                        ("$c", _clusterId),
                        ("$t", w.GrainId.Type),
                        ("$k", w.GrainId.Key),
                        ("$n", w.StateName),
                        ("$p", write.PartitionId),
                        ("$e", write.Epoch),
                        ("$payload", w.Payload.ToArray())) as long?
                    ?? throw Conflict(s, index, operation, w.GrainId, w.StateName);

            case ClearStateOperation c:
                return s.Scalar(
                        $"""
                        UPDATE rt_grain_state SET payload = NULL, version = version + 1, written_epoch = $e, modified_at = {NowMs}
                         WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND state_name = $n AND version = $v
                        RETURNING version
                        """,
                        ("$e", write.Epoch),
                        ("$c", _clusterId),
                        ("$t", c.GrainId.Type),
                        ("$k", c.GrainId.Key),
                        ("$n", c.StateName),
                        ("$v", c.ExpectedVersion)) as long?
                    ?? throw Conflict(s, index, operation, c.GrainId, c.StateName);

            case UpsertReminderOperation r:
                return (long)s.Scalar(
                    """
                    INSERT INTO rt_reminder (cluster_id, grain_type, grain_key, name, partition_id, period_ms, first_tick_at, next_due_at, version)
                    VALUES ($c, $t, $k, $n, $p, $period, $due, $due, 1)
                    ON CONFLICT (cluster_id, grain_type, grain_key, name) DO UPDATE
                       SET partition_id = excluded.partition_id, period_ms = excluded.period_ms, first_tick_at = excluded.first_tick_at,
                           next_due_at = excluded.next_due_at, version = rt_reminder.version + 1
                    RETURNING version
                    """,
                    ("$c", _clusterId),
                    ("$t", r.GrainId.Type),
                    ("$k", r.GrainId.Key),
                    ("$n", r.Name),
                    ("$p", write.PartitionId),
                    ("$period", (long)r.Period.TotalMilliseconds),
                    ("$due", r.FirstDue.ToUnixTimeMilliseconds()))!;

            case DeleteReminderOperation d:
                return s.Execute(
                    "DELETE FROM rt_reminder WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND name = $n",
                    ("$c", _clusterId),
                    ("$t", d.GrainId.Type),
                    ("$k", d.GrainId.Key),
                    ("$n", d.Name));

            case AdvanceReminderOperation a:
                return s.Scalar(
                    "UPDATE rt_reminder SET next_due_at = $due, version = version + 1 WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND name = $n AND version = $v RETURNING version",
                    ("$due", a.NextDue.ToUnixTimeMilliseconds()),
                    ("$c", _clusterId),
                    ("$t", a.GrainId.Type),
                    ("$k", a.GrainId.Key),
                    ("$n", a.Name),
                    ("$v", a.ExpectedVersion)) as long? ?? 0;

            case AdvanceInboxCursorOperation c:
                s.Execute(
                    """
                    INSERT INTO rt_inbox_cursor (cluster_id, grain_type, grain_key, applied_offset) VALUES ($c, $t, $k, $o)
                    ON CONFLICT (cluster_id, grain_type, grain_key) DO UPDATE SET applied_offset = max(applied_offset, excluded.applied_offset)
                    """,
                    ("$c", _clusterId),
                    ("$t", c.GrainId.Type),
                    ("$k", c.GrainId.Key),
                    ("$o", c.Offset));
                return 0;

            case CommitInboxOffsetOperation o:
                s.Execute(
                    "UPDATE rt_inbox_partition SET committed_offset = max(committed_offset, $o) WHERE cluster_id = $c AND partition_id = $p",
                    ("$o", o.Offset),
                    ("$c", _clusterId),
                    ("$p", write.PartitionId));
                return 0;

            case ParkInboxRecordOperation p:
                s.Execute(
                    $"""
                    INSERT INTO rt_inbox_parked (cluster_id, partition_id, inbox_offset, grain_type, grain_key, kind, payload, enqueued_at, attempts, error, parked_at)
                    VALUES ($c, $p, $o, $t, $k, $kind, $payload, $at, $attempts, $error, {NowMs})
                    ON CONFLICT DO NOTHING
                    """,
                    ("$c", _clusterId),
                    ("$p", write.PartitionId),
                    ("$o", p.Offset),
                    ("$t", p.GrainId.Type),
                    ("$k", p.GrainId.Key),
                    ("$kind", p.Kind),
                    ("$payload", p.Payload.ToArray()),
                    ("$at", p.EnqueuedAt.ToUnixTimeMilliseconds()),
                    ("$attempts", p.Attempts),
                    ("$error", p.Error));
                return 0;

            default:
                throw new NotSupportedException($"The SQLite store does not know {operation.GetType().Name}.");
        }
    }

    private StoreConflictException Conflict(SqliteStatements s, int index, StoreOperation operation, GrainId grainId, string stateName)
    {
        var stored = s.Scalar(
            "SELECT version FROM rt_grain_state WHERE cluster_id = $c AND grain_type = $t AND grain_key = $k AND state_name = $n",
            ("$c", _clusterId),
            ("$t", grainId.Type),
            ("$k", grainId.Key),
            ("$n", stateName)) as long?;
        return new StoreConflictException(index, operation, stored);
    }
}
