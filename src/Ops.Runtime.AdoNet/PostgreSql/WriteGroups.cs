using System.Threading.Channels;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.PostgreSql;

/// <summary>
/// Group commit for PostgreSQL: a few loops, each owning the partitions p with p mod groups = its index. A loop
/// commits whatever units are pending for its partitions in one transaction (one batch, one round trip): each
/// partition involved is fenced once (FOR SHARE, ascending partition order), then every unit's operations follow.
/// Few, large transactions beat many tiny ones on a small machine, and a partition row never has more than one
/// share-locker from this silo (many concurrent lockers of one row would turn into MultiXacts).
/// </summary>
internal sealed class WriteGroups : IAsyncDisposable
{
    private readonly Group[] _groups;
    private readonly CancellationTokenSource _stopping = new();

    public WriteGroups(int groups, int maxUnitsPerTransaction, Func<IReadOnlyList<PendingUnit>, CancellationToken, Task> commit)
    {
        _groups = Enumerable.Range(0, groups).Select(_ => new Group(commit, maxUnitsPerTransaction, _stopping.Token)).ToArray();
    }

    public Task<IReadOnlyList<long>> ExecuteAsync(FencedWrite write, CancellationToken cancellationToken)
    {
        var unit = new PendingUnit(write, cancellationToken);
        if (!_groups[write.PartitionId % _groups.Length].Channel.Writer.TryWrite(unit))
        {
            throw new ObjectDisposedException(nameof(WriteGroups), "The PostgreSQL store is closed.");
        }

        return unit.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var group in _groups)
        {
            group.Channel.Writer.TryComplete();
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_groups.Select(g => g.Loop));
        _stopping.Dispose();
    }

    private sealed class Group
    {
        public Group(Func<IReadOnlyList<PendingUnit>, CancellationToken, Task> commit, int maxUnits, CancellationToken stopping)
        {
            Loop = Task.Run(() => RunAsync(commit, maxUnits, stopping));
        }

        public Channel<PendingUnit> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<PendingUnit>(new UnboundedChannelOptions { SingleReader = true });

        public Task Loop { get; }

        private async Task RunAsync(Func<IReadOnlyList<PendingUnit>, CancellationToken, Task> commit, int maxUnits, CancellationToken stopping)
        {
            var batch = new List<PendingUnit>();
            try
            {
                while (await Channel.Reader.WaitToReadAsync(stopping))
                {
                    batch.Clear();
                    while (batch.Count < maxUnits && Channel.Reader.TryRead(out var unit))
                    {
                        if (unit.CancellationToken.IsCancellationRequested)
                        {
                            unit.Completion.TrySetCanceled(unit.CancellationToken);
                        }
                        else
                        {
                            batch.Add(unit);
                        }
                    }

                    if (batch.Count == 0)
                    {
                        continue;
                    }

                    try
                    {
                        await commit(batch, stopping);
                    }
                    catch (Exception exception)
                    {
                        foreach (var unit in batch)
                        {
                            unit.Completion.TrySetException(exception);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            finally
            {
                var closed = new ObjectDisposedException(nameof(WriteGroups), "The PostgreSQL store was closed before this write was committed.");
                foreach (var unit in batch)
                {
                    unit.Completion.TrySetException(closed);
                }

                while (Channel.Reader.TryRead(out var unit))
                {
                    unit.Completion.TrySetException(closed);
                }
            }
        }
    }
}

/// <summary>A fenced unit waiting for its group's next transaction.</summary>
internal sealed class PendingUnit(FencedWrite write, CancellationToken cancellationToken)
{
    public FencedWrite Write { get; } = write;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource<IReadOnlyList<long>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
