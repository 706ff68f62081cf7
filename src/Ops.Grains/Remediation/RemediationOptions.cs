using System.ComponentModel.DataAnnotations;

namespace Ops.Grains.Remediation;

/// <summary>How remediation steps reach the outside world. Section <c>Remediation</c> of the configuration.</summary>
/// <remarks>
/// HTTP steps (and rollback hooks) run through a pipeline per target (<c>host:port</c>): a total timeout, retries with
/// exponential backoff and jitter (on network errors, 5xx, 408, 429 and attempt timeouts, never on other 4xx), a
/// circuit breaker, and a per-attempt timeout equal to the step's <c>timeout</c>. Commands run through a pipeline per
/// command name: a circuit breaker and the step's timeout, and no retry unless <see cref="CommandMaxRetryAttempts"/>
/// says so (a command has side effects and no idempotency guarantee of its own).
/// </remarks>
public sealed class RemediationOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Remediation";

    /// <summary>
    /// The command allow-list: name (what a runbook step's <c>command</c> says) → executable. A step naming anything
    /// else runs nothing. The default value is empty: no command can run.
    /// </summary>
    public Dictionary<string, AllowedCommand> Commands { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries of an HTTP step after its first attempt. The default value is 2 (three attempts in all).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Retries of a command step after its first attempt. The default value is 0: commands are not retried.</summary>
    [Range(0, 10)]
    public int CommandMaxRetryAttempts { get; set; }

    /// <summary>The first retry's delay, doubled on each retry, with jitter. The default value is 200 milliseconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Upper bound of a whole step, retries and delays included. The default value (null) is the step's timeout ×
    /// (<see cref="MaxRetryAttempts"/> + 1) plus room for the back-off between attempts (twice each jittered delay).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>The share of failed attempts within <see cref="CircuitBreakerSamplingDuration"/> that opens a target's circuit. The default value is 0.5.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts a target must have seen within the sampling duration before its circuit can open. The default value is 4.</summary>
    [Range(2, 1000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The window over which the failure ratio is measured. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails steps fast (without calling the target) before it lets a trial through. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most of a response body or of a command's output kept in a step's outcome, in UTF-8 bytes. The default value is 4096.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxOutputBytes { get; set; } = 4096;
}

/// <summary>An allow-listed command: what runs when a runbook step names it.</summary>
public sealed class AllowedCommand
{
    /// <summary>Absolute path of the executable. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>Fixed arguments, passed before the runbook step's own. The default value is empty.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>The working directory; the silo's own when null (the default).</summary>
    public string? WorkingDirectory { get; set; }
}
