using Ops.Contracts;
using Ops.Contracts.Signals;
using Ops.Runtime;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>
/// The durable inbox at the gateway's edge, replaced by a recorder: every AppendAsync call with the records it
/// carried. (The real inbox's durability is tested in Ops.Runtime.Tests.)
/// </summary>
internal sealed class RecordingInbox : IInbox
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<InboxAppend>> _calls = [];

    /// <summary>Each append call, in order, with its records.</summary>
    public IReadOnlyList<IReadOnlyList<InboxAppend>> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<InboxAppend> Records => [.. Calls.SelectMany(c => c)];

    public IReadOnlyList<Signal> Signals => [.. Records.Where(r => r.Kind == InboxKinds.Signal).Select(r => OpsJson.Deserialize<Signal>(r.Payload.Span))];

    public ValueTask<InboxReceipt> AppendAsync(GrainId recipient, string kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        Record([new InboxAppend(recipient, kind, payload.ToArray())]);
        return ValueTask.FromResult(new InboxReceipt(0, 0));
    }

    public ValueTask<IReadOnlyList<InboxReceipt>> AppendAsync(IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken = default)
    {
        Record([.. records.Select(r => r with { Payload = r.Payload.ToArray() })]);
        return ValueTask.FromResult<IReadOnlyList<InboxReceipt>>([.. records.Select((_, i) => new InboxReceipt(0, i))]);
    }

    private void Record(IReadOnlyList<InboxAppend> records)
    {
        lock (_lock)
        {
            _calls.Add(records);
        }
    }
}
