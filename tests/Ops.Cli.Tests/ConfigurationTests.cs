using Ops.Cli.Configuration;
using Ops.Cli.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.Cli.Tests;

/// <summary>Where the gateway, token and actor come from: flags, then environment, then the config file, then defaults.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsctl-config-").FullName;

    [Fact]
    public void A_flag_beats_the_environment_which_beats_the_config_file()
    {
        var config = WriteConfig("""{"gateway": "http://file:1", "token": "file-token", "actor": "file-actor"}""");
        var environment = Environment(("OPSCTL_GATEWAY", "http://env:2"), ("OPSCTL_ACTOR", "env-actor"));

        var settings = SettingsResolver.Resolve("http://flag:3", null, null, config, environment);

        Assert.Equal(new Uri("http://flag:3"), settings.Gateway);
        Assert.Equal("env-actor", settings.Actor);
        Assert.Equal("file-token", settings.Token);
    }

    [Fact]
    public void The_default_config_file_is_read_from_the_home_directory()
    {
        var path = Path.Combine(_directory, ".config", "opsctl", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"gateway": "http://from-home:8080", "actor": "amara"}""");

        var settings = SettingsResolver.Resolve(null, null, null, null, Environment(("HOME", _directory)));

        Assert.Equal(new Uri("http://from-home:8080"), settings.Gateway);
        Assert.Equal("amara", settings.Actor);
    }

    [Fact]
    public void Without_any_setting_the_gateway_is_local_and_the_actor_is_the_os_user()
    {
        var settings = SettingsResolver.Resolve(null, null, null, null, Environment(("HOME", _directory)));

        Assert.Equal(new Uri(OpsctlSettings.DefaultGateway), settings.Gateway);
        Assert.Null(settings.Token);
        Assert.Equal(System.Environment.UserName, settings.Actor);
    }

    [Fact]
    public void A_gateway_that_is_not_an_http_url_is_invalid_input()
    {
        var failure = Assert.Throws<OpsctlException>(() => SettingsResolver.Resolve("ftp://x", null, null, null, Environment(("HOME", _directory))));

        Assert.Equal(ExitCode.Invalid, failure.ExitCode);
        Assert.Contains("--gateway", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_named_with_the_flag_must_exist()
    {
        var failure = Assert.Throws<OpsctlException>(() => SettingsResolver.Resolve(null, null, null, Path.Combine(_directory, "missing.json"), Environment()));

        Assert.Equal(ExitCode.Invalid, failure.ExitCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}

/// <summary>The config file through the real process: the actor it names is the one the silo records.</summary>
[Collection(SiloCollection.Name)]
public sealed class ConfigFileProcessTests(CliSilo silo)
{
    [Fact]
    public async Task Gateway_and_actor_from_the_config_file_reach_the_silo()
    {
        var id = await silo.OpenIncidentAsync("mail", "MailQueueStuck", severity: "warning");
        var opsctl = new Opsctl(gateway: null, actor: null);
        var config = Path.Combine(opsctl.Home, "opsctl.json");
        await File.WriteAllTextAsync(config, $$"""{"gateway": "{{silo.BaseUrl}}", "actor": "from-config"}""");

        var ack = await opsctl.RunAsync("incidents", "ack", id, "--config", config);

        Assert.True(ack.ExitCode == 0, ack.ToString());
        var incident = await silo.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("from-config", (string?)incident["acknowledgedBy"]);
    }
}

/// <summary>What opsctl puts on the wire, read by a plain HTTP server standing in for the gateway.</summary>
public sealed class WireTests : IAsyncLifetime
{
    private LoopbackWorld? _gateway;

    private LoopbackWorld Gateway => _gateway!;

    public async Task InitializeAsync() => _gateway = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    [Fact]
    public async Task The_token_is_sent_as_a_bearer_and_the_actor_as_a_header_and_in_the_body()
    {
        var opsctl = new Opsctl(gateway: Gateway.BaseUrl, actor: "amara", environment: new Dictionary<string, string?> { ["OPSCTL_TOKEN"] = "s3cret" });

        var run = await opsctl.RunAsync("incidents", "ack", "inc-0123456789ab", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var request = Assert.Single(Gateway.All);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/incidents/inc-0123456789ab/acknowledge", request.Path);
        Assert.Equal("Bearer s3cret", request.Authorization);
        Assert.Equal("amara", request.Actor);
        Assert.Equal("""{"actor":"amara"}""", request.Body);
    }

    [Fact]
    public async Task Json_output_prints_the_gateways_answer_as_received()
    {
        var run = await new Opsctl(gateway: Gateway.BaseUrl).RunAsync("portfolio", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("{\n  \"ok\": true\n}", run.Stdout.Trim());
    }
}
