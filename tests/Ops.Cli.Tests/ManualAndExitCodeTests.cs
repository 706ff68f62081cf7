using System.Net;
using System.Net.Sockets;
using Ops.Cli.Tests.Harness;

namespace Ops.Cli.Tests;

/// <summary>What opsctl says without a silo: its manual, usage errors, an unreachable gateway.</summary>
public sealed class ManualAndExitCodeTests
{
    private static readonly string[] CommandGroups =
        ["incidents", "promotions", "runs", "runbooks", "products", "builders", "tiers", "capacity", "portfolio", "unrouted", "heartbeat", "cluster", "catalog"];

    [Fact]
    public async Task Help_exits_0_and_names_every_command_group_and_exit_code()
    {
        var help = await new Opsctl().RunAsync("--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.All(CommandGroups, group => Assert.Contains($"\n  {group} ", help.Stdout, StringComparison.Ordinal));
        Assert.Contains("Exit codes:", help.Stdout, StringComparison.Ordinal);
        foreach (var code in Enum.GetValues<ExitCode>())
        {
            Assert.Contains($"\n  {(int)code}  ", help.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("OPSCTL_GATEWAY", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("incidents", "resolve")]
    [InlineData("promotions", "approve")]
    [InlineData("runbooks", "validate")]
    [InlineData("cluster", "drain")]
    public async Task Each_group_help_describes_its_commands(string group, string command)
    {
        var help = await new Opsctl().RunAsync(group, "--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_exiting_2()
    {
        var run = await new Opsctl().RunAsync("incidents", "explode");

        Assert.Equal((int)ExitCode.Usage, run.ExitCode);
        Assert.Contains("explode", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error_exiting_2()
    {
        var run = await new Opsctl().RunAsync("products", "transfer", "blog");

        Assert.Equal((int)ExitCode.Usage, run.ExitCode);
        Assert.Contains("--to", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_gateway_exits_5()
    {
        var run = await new Opsctl(gateway: $"http://127.0.0.1:{ClosedPort()}").RunAsync("incidents", "list");

        Assert.Equal((int)ExitCode.Unavailable, run.ExitCode);
        Assert.Contains("unreachable", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task The_gateway_comes_from_the_environment_when_no_flag_is_given()
    {
        var port = ClosedPort();
        var run = await new Opsctl(environment: new Dictionary<string, string?> { ["OPSCTL_GATEWAY"] = $"http://127.0.0.1:{port}" }).RunAsync("cluster");

        Assert.Equal((int)ExitCode.Unavailable, run.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_with_an_unknown_member_exits_1_naming_it()
    {
        var opsctl = new Opsctl();
        var config = Path.Combine(opsctl.Home, ".config", "opsctl", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, """{"gatway": "http://127.0.0.1:8080"}""");

        var run = await opsctl.RunAsync("cluster");

        Assert.Equal((int)ExitCode.Invalid, run.ExitCode);
        Assert.Contains("gatway", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
