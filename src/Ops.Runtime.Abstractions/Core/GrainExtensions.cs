using System.Runtime.CompilerServices;

namespace Ops.Runtime;

/// <summary>Key accessors in Orleans' style, for grains and grain references.</summary>
public static class GrainExtensions
{
    /// <summary>The grain id of a grain reference or of a grain.</summary>
    public static GrainId GetGrainId(this IGrain grain) => grain switch
    {
        IGrainReference reference => reference.GrainId,
        Grain activation => activation.GrainId,
        null => throw new ArgumentNullException(nameof(grain)),
        _ => throw new ArgumentException($"{grain.GetType().Name} is neither a grain reference nor a grain.", nameof(grain)),
    };

    /// <summary>The string key of a grain.</summary>
    [OverloadResolutionPriority(1)]
    public static string GetPrimaryKeyString(this Grain grain) => grain.GrainId.Key;

    /// <summary>The Guid key of a Guid-keyed grain.</summary>
    public static Guid GetPrimaryKey(this Grain grain) => Guid.Parse(grain.GrainId.Key);

    /// <summary>The integer key of an integer-keyed grain.</summary>
    public static long GetPrimaryKeyLong(this Grain grain) => long.Parse(grain.GrainId.Key, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The string key of a grain reference.</summary>
    public static string GetPrimaryKeyString(this IGrain grain) => grain.GetGrainId().Key;
}
