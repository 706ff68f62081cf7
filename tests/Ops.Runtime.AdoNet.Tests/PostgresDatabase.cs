using Npgsql;
using Ops.Runtime.Testing;

namespace Ops.Runtime.AdoNet.Tests;

/// <summary>
/// A database of its own on the test PostgreSQL server (OPS_TEST_POSTGRES), created for this test run and dropped
/// after it. Without the variable the PostgreSQL tests are skipped, unless OPS_REQUIRE_POSTGRES=1 (CI), where they fail.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly string? _server = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable);
    private readonly string _name = $"ops_test_{Guid.NewGuid():N}"[..24];

    /// <summary>The connection string of the per-run database, or null when no server is configured.</summary>
    public string? ConnectionString { get; private set; }

    public static bool Required => Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1";

    /// <summary>Skips the calling test when no server is configured (fails instead when one is required).</summary>
    public string Require()
    {
        if (ConnectionString is null && Required)
        {
            throw new InvalidOperationException($"OPS_REQUIRE_POSTGRES=1 but {TestClusterOptions.PostgresEnvironmentVariable} is not set; run scripts/test.sh.");
        }

        Skip.If(ConnectionString is null, $"PostgreSQL tests need {TestClusterOptions.PostgresEnvironmentVariable} (scripts/test.sh starts a server and sets it).");
        return ConnectionString!;
    }

    public async Task InitializeAsync()
    {
        if (_server is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        await create.ExecuteNonQueryAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (ConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresDatabase>
{
    public const string Name = "postgres";
}
