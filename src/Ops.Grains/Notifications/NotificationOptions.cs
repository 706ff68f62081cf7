using System.ComponentModel.DataAnnotations;

namespace Ops.Grains.Notifications;

/// <summary>How pages and notices are delivered. Section <c>Notifications</c> of the configuration.</summary>
/// <remarks>
/// Each delivery runs through the pipeline of its channel's host (<c>host:port</c>): a total timeout, retries with
/// exponential backoff and jitter (on network errors, attempt timeouts, 5xx, 408 and 429), a circuit breaker and a
/// per-attempt timeout.
/// </remarks>
public sealed class NotificationOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Notifications";

    /// <summary>Retries after the first attempt. The default value is 3.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay, doubled on each retry, with jitter. The default value is 500 milliseconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest one attempt may take. The default value is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a whole delivery may take, retries and delays included. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed attempts within the sampling duration that opens a host's circuit. The default value is 0.5.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts a host must have seen within the sampling duration before its circuit can open. The default value is 4.</summary>
    [Range(2, 1000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The window over which the failure ratio is measured. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails deliveries fast before it lets a trial through. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
