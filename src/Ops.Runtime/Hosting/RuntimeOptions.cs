using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.Hosting;

/// <summary>Idle collection of activations. Section <c>Activations</c> of the configuration.</summary>
public sealed class ActivationCollectionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Activations";

    /// <summary>How long an activation may stay idle before it is collected (a class may override with [CollectionAgeLimit]). The default value is 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "365.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long OnDeactivateAsync may run before its cancellation token fires. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Grain calls. Section <c>Messaging</c> of the configuration.</summary>
public sealed class MessagingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Messaging";

    /// <summary>The deadline of a call unless its method has [ResponseTimeout]; a nested call never outlives its caller's. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often expired calls are answered with a timeout. The default value is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeadlineSweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Durable reminders. Section <c>Reminders</c> of the configuration.</summary>
public sealed class ReminderOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Reminders";

    /// <summary>The shortest period a reminder may have (timers are for shorter intervals). The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often due reminders are read; reminders due within twice this are armed. The default value is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most reminders armed per poll. The default value is 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxRemindersPerPoll { get; set; } = 10_000;
}

/// <summary>The durable inbox. Section <c>Inbox</c> of the configuration.</summary>
public sealed class InboxOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Inbox";

    /// <summary>
    /// Whether stored records are delivered to their grains. False keeps accepting and storing records without
    /// applying them (maintenance, or measuring append throughput alone); delivery resumes from the committed offset
    /// when it is turned back on and the silo restarts. The default value is true.
    /// </summary>
    public bool Deliver { get; set; } = true;

    /// <summary>The most records stored in one group-commit transaction. The default value is 2,048.</summary>
    [Range(1, 100_000)]
    public int MaxBatchEntries { get; set; } = 2048;

    /// <summary>
    /// Group-commit writers per silo, each owning the partitions p with p mod Writers = its index. 0 picks: 1 for
    /// an exclusive store (SQLite serialises writers anyway), 4 otherwise. The default value is 0.
    /// </summary>
    [Range(0, 64)]
    public int Writers { get; set; }

    /// <summary>The most records of one partition delivered and not yet applied. The default value is 1,024.</summary>
    [Range(1, 1_000_000)]
    public int MaxInFlightPerPartition { get; set; } = 1024;

    /// <summary>Records read from the store per query. The default value is 256.</summary>
    [Range(1, 100_000)]
    public int ReadBatchSize { get; set; } = 256;

    /// <summary>Deliveries of a record before it is parked as a dead letter. The default value is 10.</summary>
    [Range(1, 1000)]
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>The first delay before redelivering a failed record (doubling, with jitter). The default value is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between redeliveries. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The deadline of one delivery turn. The default value is 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a partition's committed offset is stored while records are being applied. It only bounds how much is
    /// redelivered (and skipped by the grains' cursors) after a crash, so it need not be frequent. The default value is 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long applied records stay in the inbox table (for diagnosis: which signals and messages reached which
    /// grain) before the partition's owner deletes them. Only records at or below the committed offset are deleted,
    /// and offsets are never reused. <see cref="TimeSpan.Zero"/> keeps them for ever. The default value is 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often each owned partition deletes applied records older than <see cref="Retention"/>. The default value is 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(10);
}
