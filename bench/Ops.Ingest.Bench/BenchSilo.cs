using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ops.Runtime.Hosting;
using Ops.Silo.Hosting;

namespace Ops.Ingest.Bench;

/// <summary>
/// A real silo in this process, composed by <see cref="SiloApp.Build"/> exactly as the host executable composes it,
/// on <c>http://127.0.0.1:0</c> over a fresh temporary directory (the generated silo-config and, for SQLite, the
/// data directory; for PostgreSQL a fresh database on the OPS_TEST_POSTGRES server), with production settings but
/// for those passed in.
/// </summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    /// <summary>The environment variable naming the PostgreSQL server (as for the runtime benchmark).</summary>
    public const string PostgresVariable = "OPS_TEST_POSTGRES";

    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly string? _postgresServer;
    private readonly string? _database;

    private BenchSilo(WebApplication app, string directory, string? postgresServer, string? database)
    {
        _app = app;
        _directory = directory;
        _postgresServer = postgresServer;
        _database = database;
    }

    /// <summary>The silo's base address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The SQLite database file, null on PostgreSQL.</summary>
    public string? DatabasePath => _postgresServer is null ? Path.Combine(_directory, "data", "ops.db") : null;

    /// <summary>What the loop wrote so far (<see cref="StoreProbe"/>); empty on PostgreSQL.</summary>
    public IReadOnlyList<string> DescribeStore() => DatabasePath is { } path ? StoreProbe.Describe(path) : [];

    /// <summary>Inbox records stored but not yet applied, summed over the partitions.</summary>
    public long InboxLag => _app.Services.GetRequiredService<ISiloDiagnostics>().InboxLag.Values.Sum();

    /// <summary>Starts a silo whose catalog points at <paramref name="receiver"/>; <paramref name="settings"/> are extra configuration (key, value).</summary>
    public static async Task<BenchSilo> StartAsync(string dialect, string receiver, params (string Key, string Value)[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("ops-ingest-bench-").FullName;
        var config = BenchPortfolio.Write(directory, receiver);
        var args = new List<string>
        {
            "--silo-config", config,
            "--Urls", "http://127.0.0.1:0",
            "--Storage:DataDirectory", Path.Combine(directory, "data"),
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning",
        };
        string? server = null;
        string? database = null;
        if (dialect == "postgres")
        {
            server = Environment.GetEnvironmentVariable(PostgresVariable)
                ?? throw new InvalidOperationException($"--dialect postgres needs {PostgresVariable} (scripts/start-test-postgres.sh prints one).");
            database = $"ops_ingest_bench_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE DATABASE {database}");
            args.AddRange(["--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString]);
        }

        foreach (var (key, value) in settings)
        {
            args.AddRange(["--" + key, value]);
        }

        var app = SiloApp.Build([.. args]);
        var silo = new BenchSilo(app, directory, server, database);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        silo.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(stopping.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (_postgresServer is not null && _database is not null)
            {
                await ExecuteAsync(_postgresServer, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
            }

            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
