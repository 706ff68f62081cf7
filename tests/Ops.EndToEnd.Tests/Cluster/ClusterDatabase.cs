using System.Globalization;
using Npgsql;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests.Cluster;

/// <summary>The cluster tests' PostgreSQL: required under scripts/test.sh, skipped elsewhere; queries for the oracle.</summary>
internal static class ClusterDatabase
{
    /// <summary>The test server's connection string; fails under scripts/test.sh if it is missing, else skips.</summary>
    public static string Require()
    {
        var connectionString = ClusterProcesses.TestConnectionString;
        if (connectionString is null && ClusterProcesses.PostgresRequired)
        {
            throw new InvalidOperationException("OPS_REQUIRE_POSTGRES=1 but OPS_TEST_POSTGRES is not set; run scripts/test.sh.");
        }

        Skip.If(connectionString is null, "Cluster tests need PostgreSQL: set OPS_TEST_POSTGRES (scripts/start-test-postgres.sh prints it).");
        return connectionString!;
    }

    public static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string clusterId)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Inbox records whose recipient's cursor has not reached them yet (not applied).</summary>
    public static Task<long> UnappliedAsync(NpgsqlConnection connection, string clusterId) => ScalarAsync(connection, """
        SELECT count(*) FROM rt_inbox i
        LEFT JOIN rt_inbox_cursor c ON c.cluster_id = i.cluster_id AND c.grain_type = i.grain_type AND c.grain_key = i.grain_key
        WHERE i.cluster_id = @cluster AND (c.applied_offset IS NULL OR c.applied_offset < i.inbox_offset)
        """, clusterId);

    public static Task<long> ParkedAsync(NpgsqlConnection connection, string clusterId) =>
        ScalarAsync(connection, "SELECT count(*) FROM rt_inbox_parked WHERE cluster_id = @cluster", clusterId);

    /// <summary>Waits until every inbox record of the cluster is applied; returns how many are still unapplied (0 on success).</summary>
    public static async Task<long> WaitAllAppliedAsync(NpgsqlConnection connection, string clusterId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var unapplied = await UnappliedAsync(connection, clusterId);
            if (unapplied == 0 || DateTime.UtcNow > deadline)
            {
                return unapplied;
            }

            await Task.Delay(250);
        }
    }
}
