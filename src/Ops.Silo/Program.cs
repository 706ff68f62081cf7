using Ops.Silo.Hosting;

// The silo host: `dotnet run --project src/Ops.Silo` starts one silo on the embedded default (SQLite under
// Storage:DataDirectory), configured from silo-config/. A configuration it cannot start with ends the process
// with exit code 2 and one line on stderr saying what to fix.
var started = false;
try
{
    await using var app = SiloApp.Build(args);
    app.Lifetime.ApplicationStarted.Register(() => started = true);
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"ops-silo: {(started ? "stopped" : "cannot start")}: {SiloApp.DescribeStartupFailure(exception)}");
    return started ? 1 : 2;
}

/// <summary>The host's entry point (public for WebApplicationFactory-based tests).</summary>
public partial class Program;
