using Npgsql;

namespace Ops.Cluster.Tests;

/// <summary>
/// The chaos tests' oracle (design T17): triggers on the runtime's tables record every committed grain-state write
/// and every change of a partition's owner or epoch, for clusters whose id starts with <see cref="ClusterPrefix"/>
/// only. A trigger row is written in the same transaction as the change it records, so the history holds exactly
/// the committed writes, in commit order per row. The checks are the runtime's invariants as the database saw them:
/// <list type="bullet">
/// <item>each grain state's versions are 1..n, each committed once (what the conditional update enforces; checked so
/// that a change to the store's statements cannot silently break it);</item>
/// <item>the epochs that wrote a state never go backwards (no zombie write after a newer owner wrote);</item>
/// <item>every write carried an epoch the partition really had (fenced by a lease, never invented);</item>
/// <item>each epoch of a partition belonged to one silo only (no two owners under one epoch).</item>
/// </list>
/// The checks that catch the runtime's own mistakes are the epoch ones here and, in the chaos test, the request ids
/// and counter values of the committed versions. The tables and triggers stay installed in the shared test
/// database (installed once: replacing a trigger locks the table); other clusters' writes are not recorded.
/// </summary>
internal static class WriteHistory
{
    public const string ClusterPrefix = "hist-";

    private const string Install = """
        SELECT pg_advisory_xact_lock(727217);
        CREATE TABLE IF NOT EXISTS test_state_history (
          id            bigserial PRIMARY KEY,
          cluster_id    text   NOT NULL,
          grain_type    text   NOT NULL,
          grain_key     text   NOT NULL,
          state_name    text   NOT NULL,
          partition_id  integer NOT NULL,
          version       bigint NOT NULL,
          written_epoch bigint NOT NULL,
          payload       jsonb  NULL);
        CREATE TABLE IF NOT EXISTS test_lease_history (
          id            bigserial PRIMARY KEY,
          cluster_id    text    NOT NULL,
          partition_id  integer NOT NULL,
          owner_silo    uuid    NULL,
          epoch         bigint  NOT NULL);
        CREATE OR REPLACE FUNCTION test_record_state() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.cluster_id LIKE 'hist-%' THEN
            INSERT INTO test_state_history (cluster_id, grain_type, grain_key, state_name, partition_id, version, written_epoch, payload)
            VALUES (NEW.cluster_id, NEW.grain_type, NEW.grain_key, NEW.state_name, NEW.partition_id, NEW.version, NEW.written_epoch, NEW.payload);
          END IF;
          RETURN NULL;
        END $$;
        CREATE OR REPLACE FUNCTION test_record_lease() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.cluster_id LIKE 'hist-%' AND (TG_OP = 'INSERT' OR OLD.owner_silo IS DISTINCT FROM NEW.owner_silo OR OLD.epoch IS DISTINCT FROM NEW.epoch) THEN
            INSERT INTO test_lease_history (cluster_id, partition_id, owner_silo, epoch) VALUES (NEW.cluster_id, NEW.partition_id, NEW.owner_silo, NEW.epoch);
          END IF;
          RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER test_state_history AFTER INSERT OR UPDATE ON rt_grain_state FOR EACH ROW EXECUTE FUNCTION test_record_state();
        CREATE OR REPLACE TRIGGER test_lease_history AFTER INSERT OR UPDATE ON rt_partition FOR EACH ROW EXECUTE FUNCTION test_record_lease();
        """;

    /// <summary>A fresh cluster id that the triggers record.</summary>
    public static string NewClusterId() => $"{ClusterPrefix}{Guid.NewGuid():N}"[..24];

    /// <summary>Installs the history tables and triggers (idempotent; serialized by an advisory lock). Needs the runtime's schema.</summary>
    public static async Task InstallAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var installed = new NpgsqlCommand("SELECT count(*) FROM pg_trigger WHERE tgname IN ('test_state_history', 'test_lease_history')", connection))
        {
            if (Convert.ToInt64(await installed.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 2)
            {
                return;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(Install, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Every violation of the invariants in <paramref name="clusterId"/>'s history (empty when it holds), with the history's size.</summary>
    public static async Task<(List<string> Violations, long StateWrites, long LeaseChanges)> CheckAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var violations = new List<string>();

        // Versions 1..n, each once, in commit order; epochs non-decreasing along the versions.
        violations.AddRange(await RowsAsync(connection, clusterId, """
            SELECT grain_type || '/' || grain_key || ' ' || state_name || ': versions ' || string_agg(version::text, ',' ORDER BY id)
              FROM test_state_history WHERE cluster_id = @cluster
             GROUP BY grain_type, grain_key, state_name
            HAVING count(*) <> max(version) OR count(DISTINCT version) <> count(*) OR min(version) <> 1
            """, "versions not 1..n each once"));
        violations.AddRange(await RowsAsync(connection, clusterId, """
            SELECT grain_type || '/' || grain_key || ' ' || state_name || ': version ' || version || ' committed after version ' || previous
              FROM (SELECT *, lag(version) OVER (PARTITION BY grain_type, grain_key, state_name ORDER BY id) AS previous
                      FROM test_state_history WHERE cluster_id = @cluster) h
             WHERE previous IS NOT NULL AND version <> previous + 1
            """, "versions out of commit order"));
        violations.AddRange(await RowsAsync(connection, clusterId, """
            SELECT grain_type || '/' || grain_key || ' ' || state_name || ': version ' || version || ' written under epoch ' || written_epoch || ' after epoch ' || previous
              FROM (SELECT *, lag(written_epoch) OVER (PARTITION BY grain_type, grain_key, state_name ORDER BY version) AS previous
                      FROM test_state_history WHERE cluster_id = @cluster) h
             WHERE previous IS NOT NULL AND written_epoch < previous
            """, "epoch went backwards"));

        // Every write's epoch was a lease epoch of its partition.
        violations.AddRange(await RowsAsync(connection, clusterId, """
            SELECT s.grain_type || '/' || s.grain_key || ' version ' || s.version || ': epoch ' || s.written_epoch || ' never held partition ' || s.partition_id
              FROM test_state_history s
             WHERE s.cluster_id = @cluster
               AND NOT EXISTS (SELECT 1 FROM test_lease_history l
                                WHERE l.cluster_id = s.cluster_id AND l.partition_id = s.partition_id AND l.epoch = s.written_epoch AND l.owner_silo IS NOT NULL)
            """, "write under an epoch no lease had"));

        // One silo per (partition, epoch).
        violations.AddRange(await RowsAsync(connection, clusterId, """
            SELECT 'partition ' || partition_id || ' epoch ' || epoch || ': owners ' || string_agg(DISTINCT owner_silo::text, ',')
              FROM test_lease_history WHERE cluster_id = @cluster AND owner_silo IS NOT NULL
             GROUP BY partition_id, epoch
            HAVING count(DISTINCT owner_silo) > 1
            """, "two owners under one epoch"));

        var writes = await ScalarAsync(connection, "SELECT count(*) FROM test_state_history WHERE cluster_id = @cluster", clusterId);
        var leases = await ScalarAsync(connection, "SELECT count(*) FROM test_lease_history WHERE cluster_id = @cluster", clusterId);
        return (violations, writes, leases);
    }

    /// <summary>The last committed version and payload of each grain's state <paramref name="stateName"/>, by grain key.</summary>
    public static async Task<Dictionary<string, (long Version, string? Payload)>> LastWritesAsync(string connectionString, string clusterId, string stateName)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT DISTINCT ON (grain_type, grain_key) grain_key, version, payload::text
              FROM test_state_history WHERE cluster_id = @cluster AND state_name = @state ORDER BY grain_type, grain_key, version DESC
            """, connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("state", stateName);
        var result = new Dictionary<string, (long, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return result;
    }

    /// <summary>The JSON property <paramref name="property"/> of every committed state payload that has it, one per write.</summary>
    public static async Task<List<string>> CommittedValuesAsync(string connectionString, string clusterId, string property)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload->>@property FROM test_state_history WHERE cluster_id = @cluster AND payload->>@property IS NOT NULL", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("property", property);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task<IEnumerable<string>> RowsAsync(NpgsqlConnection connection, string clusterId, string sql, string what)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add($"{what}: {reader.GetString(0)}");
        }

        return rows;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string clusterId)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
