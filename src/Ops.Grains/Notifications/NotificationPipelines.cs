using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Ops.Grains.Notifications;

/// <summary>One delivery attempt: the receiver's answer.</summary>
internal sealed record DeliveryAttempt(int StatusCode, string? ReasonPhrase)
{
    public bool IsSuccess => StatusCode is >= 200 and <= 299;

    /// <summary>Answers worth another attempt: the receiver is overloaded or failing, not refusing the message.</summary>
    public bool IsTransient => StatusCode is >= 500 or 408 or 429;
}

/// <summary>
/// The delivery pipelines, one per channel host (<c>host:port</c>) so that one failing receiver's circuit does not
/// stop deliveries to another. Outermost first: total timeout, retry, circuit breaker, attempt timeout.
/// </summary>
internal sealed class NotificationPipelines : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly NotificationOptions _options;
    private readonly TimeProvider _timeProvider;

    public NotificationPipelines(NotificationOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public ResiliencePipeline<DeliveryAttempt> ForHost(string host) =>
        _registry.GetOrAddPipeline<DeliveryAttempt>(host, (builder, _) =>
        {
            var failure = new PredicateBuilder<DeliveryAttempt>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(attempt => attempt.IsTransient);
            builder.TimeProvider = _timeProvider;
            builder.AddTimeout(_options.TotalTimeout);
            if (_options.MaxRetryAttempts > 0)
            {
                builder.AddRetry(new RetryStrategyOptions<DeliveryAttempt>
                {
                    ShouldHandle = failure,
                    MaxRetryAttempts = _options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = _options.RetryBaseDelay,
                });
            }

            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<DeliveryAttempt>
            {
                ShouldHandle = failure,
                FailureRatio = _options.CircuitBreakerFailureRatio,
                MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
                SamplingDuration = _options.CircuitBreakerSamplingDuration,
                BreakDuration = _options.CircuitBreakerBreakDuration,
            });
            builder.AddTimeout(_options.AttemptTimeout);
        });

    public void Dispose() => _registry.Dispose();
}
