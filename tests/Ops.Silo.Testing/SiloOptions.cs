namespace Ops.Silo.Testing;

/// <summary>How <see cref="OpsSilo.StartAsync"/> starts a silo, beyond the portfolio it runs.</summary>
public sealed record SiloOptions
{
    /// <summary>The <c>X-Ops-Actor</c> a silo client names unless told otherwise.</summary>
    public const string DefaultActor = "ops-test";

    /// <summary>The <c>X-Ops-Actor</c> on every request of <see cref="OpsSilo.Client"/>: who human actions through the API are by.</summary>
    public string Actor { get; init; } = DefaultActor;

    /// <summary>The grain clock (a manual one, typically); the system clock when null.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>
    /// Settings on the command line after the harness's own (<c>--silo-config</c>, <c>--Storage:DataDirectory</c>,
    /// <c>--Urls</c>, <c>--Logging:LogLevel:Default Warning</c>), so they can override those too.
    /// </summary>
    public IReadOnlyList<string> Args { get; init; } = [];
}
