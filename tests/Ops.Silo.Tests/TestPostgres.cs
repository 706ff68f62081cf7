using Npgsql;

namespace Ops.Silo.Tests;

/// <summary>
/// The test PostgreSQL server (OPS_TEST_POSTGRES). Without it the PostgreSQL tests are skipped, unless
/// OPS_REQUIRE_POSTGRES=1 (CI, scripts/test.sh), where they fail.
/// </summary>
internal static class TestPostgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("OPS_TEST_POSTGRES");

    /// <summary>The server's connection string; skips the calling test when none is configured (fails when one is required).</summary>
    public static string Require()
    {
        var connectionString = ConnectionString;
        if (connectionString is null && Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1")
        {
            throw new InvalidOperationException("OPS_REQUIRE_POSTGRES=1 but OPS_TEST_POSTGRES is not set; run scripts/test.sh.");
        }

        Skip.If(connectionString is null, "Needs PostgreSQL: set OPS_TEST_POSTGRES.");
        return connectionString!;
    }

    /// <summary>A cluster id of its own, so a test sees none of the rows other tests (or runs) left in the database.</summary>
    public static string NewClusterId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];
}

/// <summary>A database of its own on the test server, created before the class's tests and dropped after them.</summary>
public sealed class FreshPostgresDatabase : IAsyncLifetime
{
    private readonly string _name = $"ops_catalog_{Guid.NewGuid():N}"[..27];

    /// <summary>The connection string of the database, or null when no server is configured.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>The database's connection string; skips or fails the calling test like <see cref="TestPostgres.Require"/>.</summary>
    public string Require()
    {
        TestPostgres.Require();
        return ConnectionString!;
    }

    public async Task InitializeAsync()
    {
        if (TestPostgres.ConnectionString is not { } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        await create.ExecuteNonQueryAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (TestPostgres.ConnectionString is not { } server || ConnectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
