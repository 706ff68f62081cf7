namespace Ops.Cli;

/// <summary>
/// What <c>opsctl</c> tells the shell. Scripts branch on these: a conflict (4) means "already done or no longer
/// possible", not "retry"; unreachable (5) is the one worth retrying.
/// </summary>
internal enum ExitCode
{
    /// <summary>The command did what it says.</summary>
    Ok = 0,

    /// <summary>Invalid input: the gateway refused the request (a 4xx other than 404 / 409), a YAML file failed validation, a config file could not be read.</summary>
    Invalid = 1,

    /// <summary>The command line itself is wrong: unknown command or option, a missing or malformed argument.</summary>
    Usage = 2,

    /// <summary>The incident, product, builder, run or promotion does not exist (404).</summary>
    NotFound = 3,

    /// <summary>The action does not apply in the current state, e.g. acknowledging a resolved incident (409).</summary>
    Conflict = 4,

    /// <summary>The gateway could not be reached, timed out, or failed (5xx).</summary>
    Unavailable = 5,

    /// <summary>The gateway has no endpoint for this yet (e.g. draining a silo).</summary>
    Unsupported = 6,
}

/// <summary>The exit codes as the manual lists them.</summary>
internal static class ExitCodes
{
    public static readonly IReadOnlyList<(ExitCode Code, string Meaning)> Manual =
    [
        (ExitCode.Ok, "ok"),
        (ExitCode.Invalid, "invalid input: refused by the gateway (4xx other than 404/409) or a YAML file failed validation"),
        (ExitCode.Usage, "usage error: unknown command or option, missing or malformed argument"),
        (ExitCode.NotFound, "not found (404): no such incident, product, builder, run or promotion"),
        (ExitCode.Conflict, "conflict (409): the action does not apply in the current state"),
        (ExitCode.Unavailable, "gateway unreachable, timed out or failing (5xx): the one worth retrying"),
        (ExitCode.Unsupported, "unsupported: the gateway has no endpoint for this yet"),
    ];
}
