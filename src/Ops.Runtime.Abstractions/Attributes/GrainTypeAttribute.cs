namespace Ops.Runtime;

/// <summary>
/// The stable name of a grain class. It is stored in the database with every state row and reminder and it
/// places the grain on a partition, so it must never change once data exists; renaming the CLR class is free.
/// Lower-case, digits, '-' and '.' only.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GrainTypeAttribute(string grainType) : Attribute
{
    /// <summary>The stable grain type name.</summary>
    public string GrainType { get; } = grainType;
}

/// <summary>
/// The grain's turns may interleave at awaits: a new call can start while another awaits. Code of the grain still
/// never runs in parallel.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Calls to this interface method interleave with any other turn of the grain (still never in parallel).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>
/// The grain keeps no identity-bound state: each silo runs a local pool of activations for the id (up to
/// <see cref="MaxLocalWorkers"/>), calls are executed on the silo that receives them, never forwarded, and the
/// grain may not use persistent state or reminders.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = -1) : Attribute
{
    /// <summary>The largest pool per silo; -1 means the number of processors.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers;
}

/// <summary>How long an idle activation of this grain class stays in memory before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    /// <summary>Days of the age limit.</summary>
    public double Days { get; init; }

    /// <summary>Hours of the age limit.</summary>
    public double Hours { get; init; }

    /// <summary>Minutes of the age limit.</summary>
    public double Minutes { get; init; }

    /// <summary>Never collect idle activations of this class.</summary>
    public bool AlwaysActive { get; init; }

    /// <summary>The age limit as a time span (<see cref="Timeout.InfiniteTimeSpan"/> when always active).</summary>
    public TimeSpan Amount => AlwaysActive ? Timeout.InfiniteTimeSpan : TimeSpan.FromDays(Days) + TimeSpan.FromHours(Hours) + TimeSpan.FromMinutes(Minutes);
}

/// <summary>
/// Values of this type (or this parameter) are never mutated after they are passed, so the runtime passes them
/// between grains on one silo without copying. Without it, arguments and results that are not primitive are
/// copied so that a grain never shares mutable objects with its caller, as it could not across silos.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false, Inherited = false)]
public sealed class ImmutableAttribute : Attribute;

/// <summary>The deadline of calls to this interface method, instead of the silo's default response timeout.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    /// <summary>The deadline, parsed from a constant TimeSpan string such as "00:00:05".</summary>
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
}
