namespace Ops.Cli.Configuration;

/// <summary>Where to reach the gateway and who is acting, resolved from flags, environment and config file.</summary>
/// <param name="Gateway">The silo's HTTP base address.</param>
/// <param name="Token">Sent as <c>Authorization: Bearer</c> when set (the gateway does not check it yet).</param>
/// <param name="Actor">Sent as <c>X-Ops-Actor</c> and as <c>actor</c> in action bodies: who did it.</param>
internal sealed record OpsctlSettings(Uri Gateway, string? Token, string Actor)
{
    public const string DefaultGateway = "http://127.0.0.1:8080";

    public const string GatewayVariable = "OPSCTL_GATEWAY";

    public const string TokenVariable = "OPSCTL_TOKEN";

    public const string ActorVariable = "OPSCTL_ACTOR";
}
