using Ops.Runtime.Diagnostics;
using Ops.Runtime.Hosting;
using System.Collections.Concurrent;
using Ops.Runtime.Partitioning;

namespace Ops.Runtime.Inbox;

/// <summary>
/// The silo's <see cref="IInbox"/>: appends go to the group-commit writer of the recipient's partition; each
/// owned partition has a consumer delivering its records to the recipient grains.
/// </summary>
internal sealed class InboxService : IInbox, IPartitionListener
{
    private readonly Silo _silo;
    private readonly InboxOptions _options;
    private readonly InboxWriter[] _writers;
    private readonly ConcurrentDictionary<int, PartitionInboxConsumer> _consumers = new();

    public InboxService(Silo silo, InboxOptions options, int writerCount)
    {
        _silo = silo;
        _options = options;
        _writers = new InboxWriter[writerCount];
        for (var i = 0; i < writerCount; i++)
        {
            _writers[i] = new InboxWriter(silo, this, options.MaxBatchEntries);
        }
    }

    /// <summary>Records appended but not yet applied, per owned partition.</summary>
    public IReadOnlyDictionary<int, long> LagByPartition => _consumers.ToDictionary(c => c.Key, c => c.Value.Lag);

    public void Start(CancellationToken stopping)
    {
        foreach (var writer in _writers)
        {
            writer.Start(stopping);
        }
    }

    public async ValueTask<InboxReceipt> AppendAsync(GrainId recipient, string kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var partitionId = Validate(recipient, kind);
        using var span = RuntimeInstruments.StartInboxAppend(1);
        var receipts = await WriterOf(partitionId).AppendAsync([(new InboxAppend(recipient, kind, payload), partitionId)]).WaitAsync(cancellationToken);
        return receipts[0];
    }

    public async ValueTask<IReadOnlyList<InboxReceipt>> AppendAsync(IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var routed = records.Select(r => (Record: r, PartitionId: Validate(r.Recipient, r.Kind))).ToList();
        using var span = RuntimeInstruments.StartInboxAppend(records.Count);
        var groups = routed.Select((r, index) => (r, index)).GroupBy(x => WriterIndex(x.r.PartitionId)).ToList();
        var receipts = new InboxReceipt[records.Count];
        var writes = groups.Select(async group =>
        {
            var items = group.ToList();
            var stored = await _writers[group.Key].AppendAsync(items.Select(x => x.r).ToList());
            for (var i = 0; i < items.Count; i++)
            {
                receipts[items[i].index] = stored[i];
            }
        }).ToList();
        await Task.WhenAll(writes).WaitAsync(cancellationToken);
        return receipts;
    }

    /// <summary>Called by a writer once records of a partition (in offset order) are durable.</summary>
    public void OnAppended(int partitionId, IReadOnlyList<Storage.InboxEntry> entries)
    {
        if (_consumers.TryGetValue(partitionId, out var consumer))
        {
            consumer.OfferAppended(entries);
        }
    }

    public void OnPartitionAcquired(int partitionId, long epoch)
    {
        if (!_options.Deliver)
        {
            return;
        }

        var consumer = new PartitionInboxConsumer(_silo, _options, partitionId, epoch);
        if (_consumers.TryAdd(partitionId, consumer))
        {
            consumer.Start();
        }
    }

    public void OnPartitionLost(int partitionId, long epoch)
    {
        WriterOf(partitionId).Invalidate(partitionId);
        if (_consumers.TryRemove(partitionId, out var consumer))
        {
            _ = consumer.StopAsync(commit: false);
        }
    }

    public async Task OnPartitionDrainingAsync(int partitionId, long epoch)
    {
        if (_consumers.TryRemove(partitionId, out var consumer))
        {
            await consumer.StopAsync(commit: true);
        }
    }

    /// <summary>Stops every consumer (committing offsets when graceful) and closes the writers.</summary>
    public async Task StopAsync(bool graceful)
    {
        foreach (var writer in _writers)
        {
            writer.Close(new SiloUnavailableException("The silo is stopping; the inbox accepts no records."));
        }

        var consumers = _consumers.Values.ToList();
        _consumers.Clear();
        await Task.WhenAll(consumers.Select(c => c.StopAsync(commit: graceful)));
        if (graceful)
        {
            await Task.WhenAll(_writers.Select(w => w.Completion));
        }
    }

    private int Validate(GrainId recipient, string kind)
    {
        if (recipient.IsDefault)
        {
            throw new ArgumentException("An inbox record needs a recipient grain.", nameof(recipient));
        }

        ArgumentException.ThrowIfNullOrEmpty(kind);
        var grainClass = _silo.Registry.FindClass(recipient.Type)
            ?? throw new ArgumentException($"No grain class of type '{recipient.Type}' is hosted; cannot address inbox records to {recipient}.", nameof(recipient));
        if (!grainClass.IsInboxRecipient)
        {
            throw new ArgumentException($"Grain class {grainClass.ClassType.Name} ('{recipient.Type}') does not implement IInboxRecipient.", nameof(recipient));
        }

        return _silo.Partitions.GetPartition(recipient);
    }

    private int WriterIndex(int partitionId) => partitionId % _writers.Length;

    private InboxWriter WriterOf(int partitionId) => _writers[WriterIndex(partitionId)];
}
