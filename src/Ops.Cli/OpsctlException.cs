using Ops.Cli.Gateway;

namespace Ops.Cli;

/// <summary>
/// A failure the operator can act on: its message is printed as one line on stderr and <see cref="ExitCode"/>
/// becomes the process's exit code.
/// </summary>
internal sealed class OpsctlException(ExitCode exitCode, string message, Exception? inner = null, GatewayProblem? problem = null) : Exception(message, inner)
{
    public ExitCode ExitCode { get; } = exitCode;

    /// <summary>The gateway's problem document, when the failure is an answer from the gateway.</summary>
    public GatewayProblem? Problem { get; } = problem;
}
