using Microsoft.Extensions.Logging;
using Ops.Contracts.Catalog;

namespace Ops.Grains.Remediation;

internal sealed partial class StepExecutor
{
    [LoggerMessage(7101, LogLevel.Warning, "Step '{Step}' ({Kind}) of product {Product} failed after {Attempts} attempt(s): {Error}")]
    private static partial void LogStepFailed(ILogger logger, string step, StepKind kind, string product, int attempts, string? error);

    [LoggerMessage(7102, LogLevel.Warning, "Circuit open for {Target}: step '{Step}' failed fast without calling it; the circuit lets a trial call through after its break duration")]
    private static partial void LogCircuitOpen(ILogger logger, string target, string step);
}
