namespace Ops.Cli.Configuration;

/// <summary>
/// Resolves <see cref="OpsctlSettings"/>, each value taken from the first place that sets it: the flag
/// (<c>--gateway</c>, <c>--token</c>, <c>--actor</c>), the environment (<c>OPSCTL_GATEWAY</c>, <c>OPSCTL_TOKEN</c>,
/// <c>OPSCTL_ACTOR</c>), the config file, then the default (<c>http://127.0.0.1:8080</c>, no token, the OS user name).
/// </summary>
internal static class SettingsResolver
{
    public static OpsctlSettings Resolve(string? gatewayFlag, string? tokenFlag, string? actorFlag, string? configFlag, Func<string, string?> environment)
    {
        var configPath = configFlag ?? OpsctlConfigFile.DefaultPath(environment);
        var file = configPath is null ? null : OpsctlConfigFile.Read(configPath, required: configFlag is not null);

        var (gatewayText, gatewaySource) = First(
            (gatewayFlag, "--gateway"),
            (environment(OpsctlSettings.GatewayVariable), OpsctlSettings.GatewayVariable),
            (file?.Gateway, configPath),
            (OpsctlSettings.DefaultGateway, "the default"));
        var token = First((tokenFlag, ""), (environment(OpsctlSettings.TokenVariable), ""), (file?.Token, "")).Value;
        var actor = First(
            (actorFlag, ""),
            (environment(OpsctlSettings.ActorVariable), ""),
            (file?.Actor, ""),
            (Environment.UserName, ""),
            ("unknown", "")).Value!;

        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            throw new OpsctlException(ExitCode.Invalid, $"gateway '{gatewayText}' (from {gatewaySource}) is not an http(s) URL; expected e.g. http://127.0.0.1:8080.");
        }

        return new OpsctlSettings(gateway, token, actor.Trim());
    }

    private static (string? Value, string? Source) First(params (string? Value, string? Source)[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Value));
}
