using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Runtime;

namespace Ops.Grains.Messaging;

/// <summary>Decoding of inbox records into domain messages.</summary>
internal static class InboxMessages
{
    /// <summary>The record's <see cref="DomainMessage"/>, or an <see cref="InvalidDataException"/> naming the kind it got.</summary>
    public static DomainMessage Decode(InboxRecord record) =>
        record.Kind == InboxKinds.Message
            ? OpsJson.Deserialize<DomainMessage>(record.Payload.Span)
            : throw new InvalidDataException($"Inbox record {record.PartitionId}/{record.Offset} has kind '{record.Kind}'; expected '{InboxKinds.Message}'.");
}

/// <summary>Stable short ids derived from causes (incident ids, promotion ids).</summary>
internal static class DerivedId
{
    /// <summary>A 12-hex-digit id with <paramref name="prefix"/>, the same for the same <paramref name="cause"/>.</summary>
    public static string From(string prefix, string cause)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cause));
        return prefix + Convert.ToHexStringLower(hash.AsSpan(0, 6));
    }
}
