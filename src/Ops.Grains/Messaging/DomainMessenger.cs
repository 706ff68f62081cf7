using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Runtime;
using Ops.Runtime.Diagnostics;

namespace Ops.Grains.Messaging;

/// <summary>
/// Sends <see cref="DomainMessage"/>s between grains through the durable inbox: one-way, ordered per recipient,
/// durable when the call returns. Senders send before they commit their own state and derive message ids from the
/// cause, so a sender replayed after a crash re-sends the same ids and <see cref="MessageLedger"/> drops them.
/// </summary>
public sealed class DomainMessenger(IInbox inbox, IGrainFactory grains)
{
    /// <summary>Appends every message in one transaction.</summary>
    public async ValueTask SendAsync(IReadOnlyList<Outgoing> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var appends = new InboxAppend[messages.Count];
        var traceParent = OpsTracing.CurrentTraceParent();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = traceParent is null || messages[i].Message.TraceParent is not null ? messages[i].Message : messages[i].Message with { TraceParent = traceParent };
            appends[i] = new InboxAppend(messages[i].Recipient, InboxKinds.Message, OpsJson.Serialize<DomainMessage>(message));
        }

        await inbox.AppendAsync(appends, cancellationToken);
    }

    /// <summary>An outgoing message to a grain of interface <typeparamref name="TGrain"/> keyed <paramref name="key"/>.</summary>
    public Outgoing To<TGrain>(string key, DomainMessage message)
        where TGrain : IGrainWithStringKey =>
        new(grains.GetGrainId<TGrain>(key), message);
}

/// <summary>A message and its recipient.</summary>
public readonly record struct Outgoing(GrainId Recipient, DomainMessage Message);

/// <summary>
/// The last message ids a grain applied (kept in its state), so a message re-sent by a replayed sender is applied once.
/// </summary>
public sealed class MessageLedger
{
    /// <summary>The most ids remembered; older ones fall out (re-sends happen within seconds of the original).</summary>
    public const int Capacity = 512;

    private HashSet<string>? _index;

    /// <summary>Ids in the order they were applied (persisted with the grain's state).</summary>
    public List<string> Applied { get; set; } = [];

    /// <summary>True when <paramref name="messageId"/> was applied already; otherwise records it and returns false.</summary>
    public bool SeenBefore(string messageId)
    {
        _index ??= new HashSet<string>(Applied, StringComparer.Ordinal);
        if (!_index.Add(messageId))
        {
            return true;
        }

        Applied.Add(messageId);
        if (Applied.Count > Capacity)
        {
            _index.Remove(Applied[0]);
            Applied.RemoveAt(0);
        }

        return false;
    }
}
