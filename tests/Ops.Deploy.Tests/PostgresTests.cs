using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ops.Silo.Hosting;

namespace Ops.Deploy.Tests;

/// <summary>
/// deploy/postgres: the settings are real PostgreSQL settings with the values the runtime relies on, sized for the
/// deployments' connection pools; roles.sql creates a role and database a silo in the Cluster environment starts on.
/// The server tests use the test server (OPS_TEST_POSTGRES, started by scripts/test.sh); without it they are skipped,
/// unless OPS_REQUIRE_POSTGRES=1, where they fail.
/// </summary>
public sealed class PostgresTests
{
    private const string ServerVariable = "OPS_TEST_POSTGRES";

    [Fact]
    public void The_settings_the_runtime_relies_on_are_set()
    {
        var settings = ReadConf();
        Assert.Equal("5s", settings["idle_in_transaction_session_timeout"]);
        Assert.Equal("0", settings["lock_timeout"]); // the runtime sets lock_timeout itself, transaction-locally, for lease acquisition only
        Assert.Equal("on", settings["synchronous_commit"]);
        Assert.Equal("on", settings["fsync"]);
        Assert.Equal("read committed", settings["default_transaction_isolation"]);
    }

    [Fact]
    public void Max_connections_covers_every_silo_pool()
    {
        var maxConnections = int.Parse(ReadConf()["max_connections"], CultureInfo.InvariantCulture);
        var silos = Math.Max(DeployFiles.StatefulSet.Int("spec", "replicas"), DeployFiles.ComposeSilos().Count);
        const int SuperuserReserved = 3; // PostgreSQL's default superuser_reserved_connections
        foreach (var (where, connectionString) in ConnectionStrings())
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString); // throws on a misspelt keyword
            Assert.True(builder.MaxPoolSize * silos + SuperuserReserved <= maxConnections,
                $"{where}: {silos} silos x Maximum Pool Size {builder.MaxPoolSize} + {SuperuserReserved} > max_connections {maxConnections}");
            Assert.Equal("ops_silo", builder.Username);
            Assert.Equal("ops", builder.Database);
        }
    }

    [SkippableFact]
    public async Task Every_setting_is_a_postgresql_setting_with_a_valid_value()
    {
        var server = RequireServer();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        var settings = ReadConf();
        var known = new Dictionary<string, (string Context, string Type, string? Min, string? Max, string[]? Enum)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT name, context, vartype, min_val, max_val, enumvals FROM pg_settings WHERE name = ANY($1)", connection))
        {
            command.Parameters.AddWithValue(settings.Keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                known[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<string[]>(5));
            }
        }

        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (name, value) in settings)
        {
            Assert.True(known.TryGetValue(name, out var setting), $"ops.conf: {name} is not a PostgreSQL setting");
            if (setting.Context is "user" or "superuser")
            {
                // The server parses the value itself (units included), inside a transaction that is rolled back.
                await using var set = new NpgsqlCommand("SELECT set_config($1, $2, true)", connection, transaction);
                set.Parameters.AddWithValue(name);
                set.Parameters.AddWithValue(value);
                await set.ExecuteScalarAsync();
            }
            else if (setting.Type == "bool")
            {
                Assert.Contains(value, new[] { "on", "off", "true", "false", "yes", "no", "1", "0" });
            }
            else if (setting.Type == "integer")
            {
                var number = int.Parse(value, CultureInfo.InvariantCulture);
                Assert.InRange(number, int.Parse(setting.Min!, CultureInfo.InvariantCulture), int.Parse(setting.Max!, CultureInfo.InvariantCulture));
            }
            else if (setting.Type == "enum")
            {
                Assert.Contains(value, setting.Enum!);
            }
        }

        await transaction.RollbackAsync();
    }

    [SkippableFact]
    public async Task A_cluster_silo_starts_as_the_role_roles_sql_creates()
    {
        var server = RequireServer();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var role = $"ops_silo_{suffix}";
        var database = $"ops_{suffix}";
        var data = Directory.CreateTempSubdirectory("ops-deploy-pg-");
        try
        {
            // Twice: the script brings things to its state, whatever they were.
            await RunRolesSqlAsync(server, role, database, "s3cret");
            await RunRolesSqlAsync(server, role, database, "s3cret");

            var connectionString = new NpgsqlConnectionStringBuilder(server) { Username = role, Password = "s3cret", Database = database, MaxPoolSize = 50 }.ConnectionString;
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                Assert.Equal("5s", await ScalarAsync(connection, "SHOW idle_in_transaction_session_timeout"));
                Assert.Equal("0", await ScalarAsync(connection, "SHOW lock_timeout"));
                Assert.Equal("0", await ScalarAsync(connection, "SHOW statement_timeout"));
                Assert.Equal("False", await ScalarAsync(connection, "SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user"));
            }

            // The silo, composed as in production (Cluster environment: PostgreSQL, lease timings), migrates the
            // schema as this role and becomes ready. Gateway and internal ports are free ones on loopback.
            var app = SiloApp.Build(
            [
                "--environment", ClusterSettings.EnvironmentName,
                "--silo-config", Repository.SiloConfig,
                "--Storage:DataDirectory", data.FullName,
                "--Storage:ConnectionString", connectionString,
                "--Urls", "http://127.0.0.1:0",
                "--Silo:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture),
                "--Silo:SiloName", $"deploy-test-{suffix}",
                "--Logging:LogLevel:Default", "Warning",
            ]);
            try
            {
                await app.StartAsync();
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                using var client = new HttpClient { BaseAddress = new Uri(address) };
                var status = HttpStatusCode.ServiceUnavailable;
                for (var attempt = 0; attempt < 60 && status != HttpStatusCode.OK; attempt++)
                {
                    using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    status = response.StatusCode;
                    if (status != HttpStatusCode.OK)
                    {
                        await Task.Delay(500);
                    }
                }

                Assert.Equal(HttpStatusCode.OK, status);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await ScalarAsync(connection, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await ScalarAsync(connection, $"DROP ROLE IF EXISTS {role}");
            data.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Roles_sql_refuses_to_run_without_a_password()
    {
        var server = RequireServer();
        var (exitCode, output) = await PsqlAsync(server, ["-f", DeployFiles.RolesSqlPath]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ops_password", output, StringComparison.Ordinal);
    }

    /// <summary>ops.conf as name → value (quotes and comments removed).</summary>
    private static Dictionary<string, string> ReadConf()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(DeployFiles.PostgresConfPath))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"ops.conf: not a setting: {raw}");
            Assert.True(settings.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim().Trim('\'')), $"ops.conf: {line[..equals].Trim()} is set twice");
        }

        return settings;
    }

    /// <summary>Every connection string a deployment shows, with the defaults a bare "docker compose up" uses.</summary>
    private static List<(string Where, string ConnectionString)> ConnectionStrings()
    {
        var secret = Yaml.LoadSingle(Path.Combine(Repository.Kubernetes, "secret.example.yaml"));
        var strings = new List<(string, string)> { ("deploy/kubernetes/secret.example.yaml", secret.Str("stringData", "connection-string")) };
        strings.AddRange(DeployFiles.SiloEnvironment()
            .Where(s => s.Name == "Storage__ConnectionString" && s.Value is not null)
            .Select(s => (s.Source, DeployFiles.ComposeDefaults(s.Value!))));
        Assert.True(strings.Count >= 3, "expected connection strings in the Secret example, compose and the systemd environment example");
        return strings;
    }

    private static string RequireServer()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (server is null && Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1")
        {
            throw new InvalidOperationException($"OPS_REQUIRE_POSTGRES=1 but {ServerVariable} is not set; run scripts/test.sh.");
        }

        Skip.If(server is null, $"PostgreSQL tests need {ServerVariable} (scripts/test.sh starts a server and sets it).");
        return server!;
    }

    private static async Task RunRolesSqlAsync(string server, string role, string database, string password)
    {
        var (exitCode, output) = await PsqlAsync(server, ["-v", $"ops_role={role}", "-v", $"ops_database={database}", "-v", $"ops_password={password}", "-f", DeployFiles.RolesSqlPath]);
        Assert.True(exitCode == 0, $"psql -f deploy/postgres/roles.sql exited {exitCode}: {output}");
    }

    /// <summary>Runs psql (as the deployment docs do) against the server of an Npgsql connection string.</summary>
    private static async Task<(int ExitCode, string Output)> PsqlAsync(string server, string[] arguments)
    {
        var builder = new NpgsqlConnectionStringBuilder(server);
        var start = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGHOST"] = builder.Host;
        start.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = builder.Username;
        start.Environment["PGDATABASE"] = builder.Database ?? "postgres";
        if (builder.Password is not null)
        {
            start.Environment["PGPASSWORD"] = builder.Password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
