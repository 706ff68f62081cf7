using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Ops.Grains.Remediation;

/// <summary>One attempt of an HTTP step: the answer's status and (bounded) body.</summary>
internal sealed record HttpAttempt(int StatusCode, string? ReasonPhrase, string Body)
{
    public bool IsSuccess => StatusCode is >= 200 and <= 299;

    /// <summary>Answers worth another attempt: the target is overloaded or failing, not refusing the request.</summary>
    public bool IsTransient => StatusCode is >= 500 or 408 or 429;
}

/// <summary>One attempt of a command step: its exit code.</summary>
internal sealed record CommandAttempt(int ExitCode);

/// <summary>
/// The resilience pipelines of remediation steps, one per target so that one failing target's circuit does not stop
/// steps against another. Outermost first: total timeout, retry, circuit breaker, attempt timeout. The timeouts come
/// from the step (<see cref="AttemptTimeout"/>, <see cref="TotalTimeout"/> on the resilience context).
/// </summary>
internal sealed class RemediationPipelines : IDisposable
{
    /// <summary>The per-attempt timeout of this execution (the step's timeout).</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeout = new("ops.remediation.attempt-timeout");

    /// <summary>The whole step's timeout, retries included.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> TotalTimeout = new("ops.remediation.total-timeout");

    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly RemediationOptions _options;
    private readonly TimeProvider _timeProvider;

    public RemediationPipelines(RemediationOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>The pipeline of an HTTP target (<c>host:port</c>).</summary>
    public ResiliencePipeline<HttpAttempt> ForHttp(string target) =>
        _registry.GetOrAddPipeline<HttpAttempt>("http:" + target, (builder, _) =>
        {
            var failure = new PredicateBuilder<HttpAttempt>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(attempt => attempt.IsTransient);
            Configure(builder, _options.MaxRetryAttempts, failure);
        });

    /// <summary>The pipeline of an allow-listed command.</summary>
    public ResiliencePipeline<CommandAttempt> ForCommand(string command) =>
        _registry.GetOrAddPipeline<CommandAttempt>("command:" + command, (builder, _) =>
        {
            var failure = new PredicateBuilder<CommandAttempt>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(attempt => attempt.ExitCode != 0);
            Configure(builder, _options.CommandMaxRetryAttempts, failure);
        });

    public void Dispose() => _registry.Dispose();

    private void Configure<T>(ResiliencePipelineBuilder<T> builder, int retries, PredicateBuilder<T> failure)
    {
        builder.TimeProvider = _timeProvider;
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "total-timeout",
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(TotalTimeout, Timeout.InfiniteTimeSpan)),
        });
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = failure,
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<T>
        {
            ShouldHandle = failure,
            FailureRatio = _options.CircuitBreakerFailureRatio,
            MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
            SamplingDuration = _options.CircuitBreakerSamplingDuration,
            BreakDuration = _options.CircuitBreakerBreakDuration,
        });
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "attempt-timeout",
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeout, Timeout.InfiniteTimeSpan)),
        });
    }
}
