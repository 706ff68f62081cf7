using System.Globalization;
using System.Text;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Prometheus' <c>model.LabelSet.Fingerprint()</c>, bit for bit: FNV-1a 64 over the label names in byte-wise
/// (UTF-8) order, each name and value followed by the separator byte 0xFF, printed as 16 lower-case hex digits.
/// Alertmanager uses it as an alert's identity, so a label set gets the same fingerprint whether it arrives through
/// the webhook (which carries Alertmanager's own value), <c>/api/v2/alerts</c> or the generic API.
/// </summary>
public static class LabelSetFingerprint
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const byte Separator = 0xFF;

    /// <summary>The fingerprint of <paramref name="labels"/> (an empty set gives FNV's offset basis, as in Prometheus).</summary>
    public static string Compute(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var names = labels.Keys.Select(name => (Name: name, Bytes: Encoding.UTF8.GetBytes(name))).ToList();
        names.Sort((left, right) => left.Bytes.AsSpan().SequenceCompareTo(right.Bytes));

        var hash = OffsetBasis;
        foreach (var (name, bytes) in names)
        {
            hash = Add(hash, bytes);
            hash = Add(hash, Separator);
            hash = Add(hash, Encoding.UTF8.GetBytes(labels[name]));
            hash = Add(hash, Separator);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var value in bytes)
        {
            hash = Add(hash, value);
        }

        return hash;
    }

    private static ulong Add(ulong hash, byte value) => (hash ^ value) * Prime;
}
