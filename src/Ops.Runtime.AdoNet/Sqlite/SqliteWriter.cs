using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Ops.Runtime.AdoNet.Sqlite;

/// <summary>
/// The one writer of a SQLite store. Every write (fenced units, inbox appends, leases, membership) is queued here
/// and the loop commits everything pending in one BEGIN IMMEDIATE transaction: group commit, so many concurrent
/// writers share one fsync. Each item runs inside its own savepoint, so a failed check rolls back that item only.
/// The connection stays open across batches (with its prepared statements) and is reopened after an error.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask<SqliteConnection>> _open;
    private readonly int _maxBatch;
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private SqliteConnection? _connection;
    private SqliteStatements? _statements;

    public SqliteWriter(Func<CancellationToken, ValueTask<SqliteConnection>> open, int maxBatch)
    {
        _open = open;
        _maxBatch = maxBatch;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="work"/>; it runs inside the next batch's transaction (in its own savepoint).</summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteStatements, T> work, CancellationToken cancellationToken)
    {
        var item = new WriteItem<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The SQLite store is closed.");
        }

        return item.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        CloseConnection();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteItem>(_maxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
                {
                    if (!item.IsCancelled)
                    {
                        batch.Add(item);
                    }
                }

                if (batch.Count > 0)
                {
                    await CommitAsync(batch);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            var closed = new ObjectDisposedException(nameof(SqliteWriter), "The SQLite store was closed before this write was committed.");
            foreach (var item in batch)
            {
                item.Fail(closed);
            }

            while (_queue.Reader.TryRead(out var item))
            {
                item.Fail(closed);
            }
        }
    }

    private async Task CommitAsync(List<WriteItem> batch)
    {
        try
        {
            if (_connection is null)
            {
                _connection = await _open(_stopping.Token);
                _statements = new SqliteStatements(_connection);
            }

            using var transaction = _connection.BeginTransaction(deferred: false);
            _statements!.Transaction = transaction;
            foreach (var item in batch)
            {
                transaction.Save("item");
                try
                {
                    item.Run(_statements);
                    transaction.Release("item");
                }
                catch (Exception exception) when (exception is not SqliteException { SqliteErrorCode: 10 or 13 })
                {
                    // A failed check (or constraint) of this item: undo it alone. Disk I/O errors (10) and a full
                    // disk (13) abort the whole batch instead.
                    transaction.Rollback("item");
                    transaction.Release("item");
                    item.Failure = exception;
                }
            }

            transaction.Commit();
            _statements.Transaction = null;
        }
        catch (Exception exception)
        {
            // The transaction did not commit (or its outcome is unknown): nothing of this batch is acknowledged.
            CloseConnection();
            foreach (var item in batch)
            {
                item.Fail(exception);
            }

            return;
        }

        foreach (var item in batch)
        {
            item.Complete();
        }
    }

    private void CloseConnection()
    {
        _statements?.Dispose();
        _statements = null;
        _connection?.Dispose();
        _connection = null;
    }

    private abstract class WriteItem
    {
        public Exception? Failure { get; set; }

        public abstract bool IsCancelled { get; }

        public abstract void Run(SqliteStatements statements);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<SqliteStatements, T> work, CancellationToken cancellationToken) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override bool IsCancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                _completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public override void Run(SqliteStatements statements) => _result = work(statements);

        public override void Complete()
        {
            if (Failure is not null)
            {
                _completion.TrySetException(Failure);
            }
            else
            {
                _completion.TrySetResult(_result);
            }
        }

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
