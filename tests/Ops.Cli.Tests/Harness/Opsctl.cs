using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ops.Cli.Tests.Harness;

/// <summary>
/// Runs the real <c>opsctl</c> (<c>dotnet opsctl.dll ...</c>) as a user would, with its output redirected and an
/// environment of its own: no OPSCTL_* variables, a home directory without a config file, NO_COLOR unset (output is
/// plain because it is redirected).
/// </summary>
public sealed class Opsctl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> _environment;

    public Opsctl(string? gateway = null, string? actor = "cli-test", IReadOnlyDictionary<string, string?>? environment = null)
    {
        Gateway = gateway;
        Actor = actor;
        Home = Directory.CreateTempSubdirectory("opsctl-home-").FullName;
        _environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = Home,
            ["XDG_CONFIG_HOME"] = null,
            ["OPSCTL_GATEWAY"] = null,
            ["OPSCTL_TOKEN"] = null,
            ["OPSCTL_ACTOR"] = null,
            ["NO_COLOR"] = null,
            ["COLUMNS"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            _environment[name] = value;
        }
    }

    /// <summary>Passed as <c>--gateway</c> when set.</summary>
    public string? Gateway { get; }

    /// <summary>Passed as <c>--actor</c> when set.</summary>
    public string? Actor { get; }

    /// <summary>The process's HOME (no config file unless a test writes one).</summary>
    public string Home { get; }

    /// <summary>The opsctl.dll the test project was built with.</summary>
    public static string Assembly
    {
        get
        {
            var location = typeof(ExitCode).Assembly.Location;
            return File.Exists(Path.ChangeExtension(location, ".runtimeconfig.json"))
                ? location
                : throw new FileNotFoundException($"opsctl.runtimeconfig.json is not beside {location}; build src/Ops.Cli.");
        }
    }

    /// <summary>Runs <c>opsctl</c> with <paramref name="args"/> (plus <c>--gateway</c> / <c>--actor</c> when set) and waits for it.</summary>
    public async Task<OpsctlRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Home,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (Gateway is not null)
        {
            start.ArgumentList.Add("--gateway");
            start.ArgumentList.Add(Gateway);
        }

        if (Actor is not null)
        {
            start.ArgumentList.Add("--actor");
            start.ArgumentList.Add(Actor);
        }

        foreach (var (name, value) in _environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("opsctl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"opsctl {string.Join(' ', args)} did not exit within {Timeout.TotalSeconds} s.");
        }

        return new OpsctlRun(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and requires exit code 0, returning stdout parsed as JSON (for <c>--output json</c> runs).</summary>
    public async Task<JsonNode> JsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--output", "json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout) ?? throw new InvalidDataException($"opsctl printed null: {run}");
    }
}

/// <summary>One finished opsctl process.</summary>
public sealed record OpsctlRun(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"opsctl {string.Join(' ', Args)} exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
