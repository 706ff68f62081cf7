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
        var record = new InboxAppend(recipient, kind, payload);
        if (_silo.Router is not null)
        {
            return (await AppendRoutedAsync([record], [partitionId], cancellationToken))[0];
        }

        var receipts = await WriterOf(partitionId).AppendAsync([(record, partitionId)]).WaitAsync(cancellationToken);
        return receipts[0];
    }

    public async ValueTask<IReadOnlyList<InboxReceipt>> AppendAsync(IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var partitions = ValidateAll(records);
        if (_silo.Router is not null)
        {
            return await AppendRoutedAsync(records, partitions, cancellationToken);
        }

        // Every partition is this silo's (one silo): a partition not served fails the append.
        using var span = RuntimeInstruments.StartInboxAppend(records.Count);
        var receipts = await WriteAsync(records, partitions, refusedAsNull: false, cancellationToken);
        return Array.ConvertAll(receipts, r => r!.Value);
    }

    /// <summary>
    /// Cluster: each record goes to its partition's owner, whose writer assigns the offset under the owner's epoch:
    /// records for partitions served here are written here, the others are forwarded (one request per owner). A
    /// part refused before it was stored (NotOwner, draining, fenced out, connection refused) is retried against
    /// the refreshed map until <see cref="Hosting.ClusterOptions.RoutingTimeout"/> and the response timeout. Each
    /// owner's part is atomic; a request spanning owners is acknowledged only when every part is stored.
    /// </summary>
    private async Task<InboxReceipt[]> AppendRoutedAsync(IReadOnlyList<InboxAppend> records, int[] partitions, CancellationToken cancellationToken)
    {
        var receipts = new InboxReceipt[records.Count];
        var pending = Enumerable.Range(0, records.Count).ToList();
        var time = _silo.Time;
        var budget = _silo.ClusterOptions.RoutingTimeout < _silo.MessagingOptions.ResponseTimeout ? _silo.ClusterOptions.RoutingTimeout : _silo.MessagingOptions.ResponseTimeout;
        var deadline = time.GetTimestamp() + (long)(budget.TotalSeconds * time.TimestampFrequency);
        string last = "no silo serves it";
        for (var attempt = 0; ; attempt++)
        {
            var backoff = Cluster.CallRouter.Backoff(attempt);
            if (backoff > TimeSpan.Zero)
            {
                await Task.Delay(backoff, cancellationToken);
                try
                {
                    await _silo.Map.RefreshAsync(cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Routing goes on with the previous map.
                }
            }

            var local = new List<int>();
            var remote = new Dictionary<Uri, List<int>>();
            foreach (var index in pending)
            {
                var partition = partitions[index];
                if (_silo.Serves(partition, out var reason))
                {
                    local.Add(index);
                }
                else if (_silo.HoldsUnserved(partition))
                {
                    // Held here but self-fenced: nobody else can store it before the lease expires.
                    throw new PartitionUnavailableException(partition, reason);
                }
                else if (_silo.Map.Get(partition) is { Owner: { } owner, Address: { } address } && owner != _silo.SiloId)
                {
                    (remote.TryGetValue(address, out var list) ? list : remote[address] = []).Add(index);
                }
            }

            var done = new List<int>();
            var parts = new List<Task>();
            if (local.Count > 0)
            {
                parts.Add(Task.Run(async () =>
                {
                    var stored = await WriteAsync(local.Select(i => records[i]).ToList(), local.Select(i => partitions[i]).ToList(), refusedAsNull: true, cancellationToken);
                    lock (done)
                    {
                        for (var i = 0; i < local.Count; i++)
                        {
                            if (stored[i] is { } receipt)
                            {
                                receipts[local[i]] = receipt;
                                done.Add(local[i]);
                            }
                        }
                    }
                }, CancellationToken.None));
            }

            foreach (var (address, indexes) in remote)
            {
                parts.Add(Task.Run(async () =>
                {
                    var (outcome, stored, detail) = await _silo.Transport!.AppendAsync(address, indexes.Select(i => records[i]).ToList(), cancellationToken);
                    if (outcome == Cluster.ForwardOutcome.Done)
                    {
                        lock (done)
                        {
                            for (var i = 0; i < indexes.Count; i++)
                            {
                                if (stored![i] is { } receipt)
                                {
                                    receipts[indexes[i]] = receipt;
                                    done.Add(indexes[i]);
                                }
                            }
                        }
                    }
                    else
                    {
                        last = $"{outcome} from {address}: {detail}";
                    }
                }, CancellationToken.None));
            }

            await Task.WhenAll(parts);
            pending.RemoveAll(done.Contains);
            if (pending.Count == 0)
            {
                return receipts;
            }

            if (time.GetTimestamp() >= deadline)
            {
                throw new PartitionUnavailableException(partitions[pending[0]], $"{pending.Count} of {records.Count} inbox record(s) found no silo to store them ({last}); the others were stored");
            }
        }
    }

    /// <summary>
    /// Appends records whose partitions this silo serves (forwarded here by another silo), one transaction per
    /// writer: the receipt of each record, or null where its writer refused the batch before storing it (partition not
    /// served, fenced out). Other failures (outcome unknown) throw.
    /// </summary>
    public Task<InboxReceipt?[]> AppendLocalPartialAsync(IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken) =>
        WriteAsync(records, ValidateAll(records), refusedAsNull: true, cancellationToken);

    /// <summary>
    /// Stores records (of partitions <paramref name="partitions"/>) through their partitions' writers, one transaction
    /// per writer. A writer's refusal before storing (<see cref="PartitionUnavailableException"/>) leaves its records'
    /// receipts null when <paramref name="refusedAsNull"/>, and throws otherwise.
    /// </summary>
    private async Task<InboxReceipt?[]> WriteAsync(IReadOnlyList<InboxAppend> records, IReadOnlyList<int> partitions, bool refusedAsNull, CancellationToken cancellationToken)
    {
        var receipts = new InboxReceipt?[records.Count];
        var writes = Enumerable.Range(0, records.Count).GroupBy(i => WriterIndex(partitions[i])).Select(async group =>
        {
            var indexes = group.ToList();
            try
            {
                var stored = await _writers[group.Key].AppendAsync(indexes.Select(i => (records[i], partitions[i])).ToList()).WaitAsync(cancellationToken);
                for (var i = 0; i < indexes.Count; i++)
                {
                    receipts[indexes[i]] = stored[i];
                }
            }
            catch (PartitionUnavailableException exception) when (refusedAsNull && exception.InnerException is not OperationCanceledException)
            {
                // Refused before storing: these stay null and the caller retries them at the partition's owner.
            }
        }).ToList();
        await Task.WhenAll(writes);
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

    private int[] ValidateAll(IReadOnlyList<InboxAppend> records) => [.. records.Select(r => Validate(r.Recipient, r.Kind))];

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
