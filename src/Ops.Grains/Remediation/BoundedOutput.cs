using System.Text;

namespace Ops.Grains.Remediation;

/// <summary>
/// Keeps the first <c>maxBytes</c> UTF-8 bytes of what a step produced (never a split character) and drops the rest,
/// so a chatty target or command cannot grow an outcome (and the agent's state) without bound.
/// </summary>
internal sealed class BoundedOutput
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();
    private readonly int _maxBytes;
    private int _bytes;

    public BoundedOutput(int maxBytes) => _maxBytes = maxBytes;

    /// <summary>Appends what fits; safe to call from the stdout and stderr readers at once.</summary>
    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_lock)
        {
            foreach (var rune in chunk.EnumerateRunes())
            {
                var size = rune.Utf8SequenceLength;
                if (_bytes + size > _maxBytes)
                {
                    _bytes = _maxBytes;
                    return;
                }

                _text.Append(rune.ToString());
                _bytes += size;
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of <paramref name="stream"/> as UTF-8 text and stops there.</summary>
    public static async Task<string> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes];
        var length = 0;
        int read;
        while (length < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        var output = new BoundedOutput(maxBytes);
        output.Append(Encoding.UTF8.GetString(buffer, 0, TrimPartialCharacter(buffer.AsSpan(0, length))));
        return output.ToString();
    }

    /// <summary>The length of <paramref name="bytes"/> without a UTF-8 sequence cut off at its end.</summary>
    private static int TrimPartialCharacter(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.Length - 1; i >= Math.Max(0, bytes.Length - 4); i--)
        {
            var b = bytes[i];
            if ((b & 0xC0) != 0x80)
            {
                // A lead byte (or ASCII): keep it only if its whole sequence is there.
                var needed = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return bytes.Length - i >= needed ? bytes.Length : i;
            }
        }

        return bytes.Length;
    }
}
