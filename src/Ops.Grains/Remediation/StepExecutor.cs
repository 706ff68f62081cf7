using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Runtime.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Ops.Grains.Remediation;

/// <summary>
/// The <see cref="IStepExecutor"/> of the silo: HTTP steps and rollback hooks through the named HTTP client
/// <see cref="HttpClientName"/>, commands from the allow-list of <see cref="RemediationOptions.Commands"/>, each
/// through the resilience pipeline of its target (<see cref="RemediationPipelines"/>).
/// </summary>
/// <remarks>
/// <see cref="StepKind.SignalHistory"/> steps are answered by the ops agent from the symptom's history, which the
/// executor does not have: it returns a failed outcome saying so and calls nothing.
/// </remarks>
internal sealed partial class StepExecutor : IStepExecutor, IDisposable
{
    /// <summary>The named <see cref="HttpClient"/> remediation calls go through.</summary>
    public const string HttpClientName = "ops-remediation";

    private readonly IHttpClientFactory _httpClients;
    private readonly RemediationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StepExecutor> _logger;
    private readonly RemediationPipelines _pipelines;

    public StepExecutor(IHttpClientFactory httpClients, IOptions<RemediationOptions> options, TimeProvider timeProvider, ILogger<StepExecutor> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _pipelines = new RemediationPipelines(_options, timeProvider);
    }

    public async Task<StepOutcome> RunAsync(RunbookStep step, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var started = _timeProvider.GetTimestamp();
        using var span = LoopTracing.StartRemediationStep(context.Product, step.Name, step.Kind.ToString(), context.IdempotencyKey, context.IsDiagnostic);
        var outcome = step.Kind switch
        {
            StepKind.Http when step.Http is null => Failed(step, context, $"http step '{step.Name}' has no http call"),
            StepKind.Http => await RunHttpAsync(step, step.Http, context, cancellationToken),
            StepKind.Rollback when context.IsDiagnostic => Failed(step, context, "a rollback cannot run as a diagnostic step: diagnostics must not change anything"),
            StepKind.Rollback when context.RollbackHook is null => Failed(step, context, $"product '{context.Product}' has no rollback hook"),
            StepKind.Rollback => await RunHttpAsync(step, context.RollbackHook, context, cancellationToken),
            StepKind.Command => await RunCommandAsync(step, context, cancellationToken),
            StepKind.SignalHistory => Failed(step, context, "signal-history steps are answered by the ops agent from the symptom's history, not by the step executor"),
            _ => Failed(step, context, $"unknown step kind '{step.Kind}'"),
        };

        outcome = outcome with { DurationMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds };
        LoopTracing.EndRemediationStep(span, outcome.Succeeded, outcome.Attempts, outcome.StatusCode, outcome.Error);
        if (!outcome.Succeeded)
        {
            LogStepFailed(_logger, step.Name, step.Kind, context.Product, outcome.Attempts, outcome.Error);
        }

        return outcome;
    }

    public void Dispose() => _pipelines.Dispose();

    private static StepOutcome Failed(RunbookStep step, StepContext context, string error, int attempts = 0, string output = "", int? statusCode = null) => new()
    {
        Step = step.Name,
        Kind = step.Kind,
        Succeeded = false,
        Error = error,
        Attempts = attempts,
        Output = output,
        StatusCode = statusCode,
        IdempotencyKey = context.IdempotencyKey,
    };

    /// <summary>Runs <paramref name="callback"/> once per attempt through <paramref name="pipeline"/>, counting attempts.</summary>
    private async Task<(T? Result, int Attempts, string? Error)> ExecuteAsync<T>(
        ResiliencePipeline<T> pipeline,
        string target,
        RunbookStep step,
        int retries,
        Func<CancellationToken, Task<T>> callback,
        CancellationToken cancellationToken)
        where T : class
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RemediationPipelines.AttemptTimeout, step.Timeout);
        context.Properties.Set(RemediationPipelines.TotalTimeout, _options.TotalTimeout ?? DefaultTotalTimeout(step.Timeout, retries));
        var attempts = 0;
        try
        {
            var result = await pipeline.ExecuteAsync(
                async (ctx, _) =>
                {
                    Interlocked.Increment(ref attempts);
                    return await callback(ctx.CancellationToken);
                },
                context,
                0);
            return (result, attempts, null);
        }
        catch (BrokenCircuitException)
        {
            LogCircuitOpen(_logger, target, step.Name);
            return (null, attempts, $"circuit open for {target}");
        }
        catch (TimeoutRejectedException exception)
        {
            return (null, attempts, $"timed out after {Describe(exception.Timeout)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            return (null, attempts, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds:0.###} s" : $"{timeout.TotalMilliseconds:0} ms";

    /// <summary>
    /// Every attempt's timeout plus the back-off before each retry (base × 2^k, jittered: twice that is allowed), so
    /// the budget never cuts the last attempt short just because the delays before it were long.
    /// </summary>
    private TimeSpan DefaultTotalTimeout(TimeSpan attemptTimeout, int retries)
    {
        var total = attemptTimeout * (retries + 1);
        for (var k = 0; k < retries; k++)
        {
            total += _options.RetryBaseDelay * Math.Pow(2, k + 1);
        }

        return total;
    }
}
