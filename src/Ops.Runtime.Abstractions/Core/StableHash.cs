using System.Buffers;
using System.Text;

namespace Ops.Runtime;

/// <summary>
/// The placement hash: 64-bit FNV-1a over UTF-8 bytes. It is fixed forever and independent of the process
/// (never <see cref="string.GetHashCode()"/>, which is randomised per process): a grain's partition, and so the
/// silo that owns it, is derived from it and stored state is filed under it. Test vectors pin it.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>FNV-1a/64 of the bytes.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes) => Append(OffsetBasis, bytes);

    /// <summary>FNV-1a/64 of the UTF-8 encoding of <c>grainType + "/" + key</c>, without concatenating.</summary>
    public static ulong OfGrain(string grainType, string key)
    {
        var hash = AppendUtf8(OffsetBasis, grainType);
        hash = (hash ^ '/') * Prime;
        return AppendUtf8(hash, key);
    }

    private static ulong Append(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    private static ulong AppendUtf8(ulong hash, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            var written = Encoding.UTF8.GetBytes(text, buffer);
            return Append(hash, buffer[..written]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var written = Encoding.UTF8.GetBytes(text, rented);
            return Append(hash, rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
