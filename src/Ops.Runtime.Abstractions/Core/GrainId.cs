using System.Globalization;

namespace Ops.Runtime;

/// <summary>
/// The identity of a grain: its stable type name (from <see cref="GrainTypeAttribute"/>, never the CLR name) and
/// its canonical key. Equal ids always denote the same grain, on every silo and across restarts.
/// The string form is <c>type/key</c>; a type name never contains '/'.
/// </summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    private GrainId(string type, string key, ulong stableHash)
    {
        Type = type;
        Key = key;
        StableHash = stableHash;
    }

    /// <summary>The stable grain type name.</summary>
    public string Type { get; }

    /// <summary>The canonical key.</summary>
    public string Key { get; }

    /// <summary><see cref="Ops.Runtime.StableHash.OfGrain"/> of this id; the partition is derived from it.</summary>
    public ulong StableHash { get; }

    /// <summary>True for <c>default(GrainId)</c>.</summary>
    public bool IsDefault => Type is null;

    /// <summary>Creates an id; the key is used as given (callers canonicalise Guid and integer keys).</summary>
    public static GrainId Create(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        if (type.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Grain type name '{type}' must not contain '/'.", nameof(type));
        }

        return new GrainId(type, key, Ops.Runtime.StableHash.OfGrain(type, key));
    }

    /// <summary>Creates an id for a <see cref="Guid"/>-keyed grain.</summary>
    public static GrainId Create(string type, Guid key) => Create(type, CanonicalKey(key));

    /// <summary>Creates an id for an integer-keyed grain.</summary>
    public static GrainId Create(string type, long key) => Create(type, CanonicalKey(key));

    /// <summary>The canonical string form of a Guid key ("D", lower case).</summary>
    public static string CanonicalKey(Guid key) => key.ToString("D");

    /// <summary>The canonical string form of an integer key (invariant decimal).</summary>
    public static string CanonicalKey(long key) => key.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>type/key</c>.</summary>
    public static GrainId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"'{value}' is not a grain id; expected 'type/key'.");
        }

        return Create(value[..slash], value[(slash + 1)..]);
    }

    /// <inheritdoc />
    public bool Equals(GrainId other) =>
        StableHash == other.StableHash && string.Equals(Type, other.Type, StringComparison.Ordinal) &&
        string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)StableHash ^ (int)(StableHash >> 32);

    /// <inheritdoc />
    public override string ToString() => IsDefault ? "(none)" : $"{Type}/{Key}";

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
