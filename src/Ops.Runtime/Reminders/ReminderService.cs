using Ops.Runtime.Hosting;
using Ops.Runtime.Catalog;
using Ops.Runtime.Partitioning;
using Ops.Runtime.Scheduling;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Reminders;

/// <summary>
/// Fires the durable reminders of the partitions this silo owns. Every poll reads the reminders due within the
/// look-ahead and arms a timer for each; at its due time the tick is delivered as a turn (activating the grain if
/// needed), then the reminder is advanced to its first occurrence after now in a fenced write. At least once:
/// a crash between delivery and advance delivers the tick again; ticks missed while no silo owned the partition are
/// coalesced into one.
/// </summary>
internal sealed class ReminderService : IPartitionListener
{
    private readonly Silo _silo;
    private readonly ReminderOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ScheduledTick> _scheduled = [];
    private readonly SemaphoreSlim _pollNow = new(0, 1);
    private CancellationToken _stopping;

    public ReminderService(Silo silo, ReminderOptions options)
    {
        _silo = silo;
        _options = options;
    }

    /// <summary>Reminders armed locally (for tests and diagnostics).</summary>
    public int ScheduledCount
    {
        get
        {
            lock (_lock)
            {
                return _scheduled.Count;
            }
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        while (!stopping.IsCancellationRequested)
        {
            await _silo.WhilePausedAsync(stopping);
            try
            {
                await PollAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                _silo.Log.ReminderPollFailed(exception);
            }

            try
            {
                using var timeout = new CancellationTokenSource(_options.PollInterval, _silo.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
                await _pollNow.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        CancelAll();
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(Activation activation, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!activation.Class.IsRemindable)
        {
            throw new InvalidOperationException($"Grain class {activation.Class.ClassType.Name} registers reminder '{name}' but does not implement IRemindable.");
        }

        if (period < _options.MinimumPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{name}': the period must be at least Reminders:MinimumPeriod ({_options.MinimumPeriod}); use a grain timer for shorter intervals.");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "The due time cannot be negative.");
        }

        var firstDue = _silo.Time.GetUtcNow() + dueTime;
        await activation.ExecuteFencedAsync([new UpsertReminderOperation(activation.GrainId, name, period, firstDue)], CancellationToken.None);
        Cancel((activation.GrainId, name));
        if (dueTime <= _options.PollInterval * 2)
        {
            PollSoon();
        }

        return new GrainReminder(name, period);
    }

    public async Task UnregisterAsync(Activation activation, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await activation.ExecuteFencedAsync([new DeleteReminderOperation(activation.GrainId, reminder.ReminderName)], CancellationToken.None);
        Cancel((activation.GrainId, reminder.ReminderName));
    }

    public async Task<IGrainReminder?> GetAsync(Activation activation, string name)
    {
        var all = await _silo.Store.ReadForGrainAsync(activation.GrainId, CancellationToken.None);
        return all.Where(r => r.Name == name).Select(r => (IGrainReminder)new GrainReminder(r.Name, r.Period)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(Activation activation)
    {
        var all = await _silo.Store.ReadForGrainAsync(activation.GrainId, CancellationToken.None);
        return all.Select(r => (IGrainReminder)new GrainReminder(r.Name, r.Period)).ToList();
    }

    public void OnPartitionAcquired(int partitionId, long epoch) => PollSoon();

    /// <summary>Wakes the poll loop now instead of at its next interval.</summary>
    private void PollSoon()
    {
        lock (_lock)
        {
            if (_pollNow.CurrentCount == 0)
            {
                _pollNow.Release();
            }
        }
    }

    public void OnPartitionLost(int partitionId, long epoch) => CancelPartition(partitionId);

    public Task OnPartitionDrainingAsync(int partitionId, long epoch)
    {
        CancelPartition(partitionId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The occurrence to arm after delivering the tick due at <paramref name="due"/>: the first one strictly after
    /// both that tick and <paramref name="now"/>. Ticks missed meanwhile are skipped (coalesced), and a timer that
    /// fired a little early can never re-deliver the same tick.
    /// </summary>
    public static DateTimeOffset NextOccurrence(DateTimeOffset due, TimeSpan period, DateTimeOffset now)
    {
        var periods = now > due ? ((now - due).Ticks / period.Ticks) + 1 : 1;
        return due + TimeSpan.FromTicks(period.Ticks * periods);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var serving = _silo.Partitions.ServingLeases();
        if (serving.Count == 0)
        {
            return;
        }

        var now = _silo.Time.GetUtcNow();
        var due = await _silo.Store.ReadDueAsync(serving.Select(l => l.PartitionId).ToList(), now + _options.PollInterval * 2, _options.MaxRemindersPerPoll, stopping);
        foreach (var reminder in due)
        {
            var key = (reminder.GrainId, reminder.Name);
            lock (_lock)
            {
                if (_scheduled.TryGetValue(key, out var existing))
                {
                    // Versions only rise: a row at or below the known version was read before our own advance.
                    if (reminder.Version <= existing.Record.Version || existing.Delivering)
                    {
                        continue;
                    }

                    existing.Timer?.Dispose();
                    _scheduled.Remove(key);
                }

                ArmLocked(reminder, "poll");
            }
        }
    }

    /// <summary>Arms the tick of <paramref name="reminder"/> at its next due time; called under the lock.</summary>
    private void ArmLocked(ReminderRecord reminder, string source)
    {
        _silo.Log.ReminderArmed(reminder.GrainId, reminder.Name, reminder.NextDue, reminder.Version, source);
        var tick = new ScheduledTick(reminder, this);
        _scheduled[(reminder.GrainId, reminder.Name)] = tick;
        var delay = reminder.NextDue - _silo.Time.GetUtcNow();
        tick.Timer = _silo.Time.CreateTimer(static s => ((ScheduledTick)s!).Service.Fire((ScheduledTick)s!), tick, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire(ScheduledTick tick)
    {
        lock (_lock)
        {
            if (!_scheduled.TryGetValue((tick.Record.GrainId, tick.Record.Name), out var current) || !ReferenceEquals(current, tick))
            {
                return;
            }

            tick.Delivering = true;
        }

        var record = tick.Record;
        var status = new TickStatus(record.FirstTick.UtcDateTime, record.Period, record.NextDue.UtcDateTime);
        var message = new ReminderTick(record.Name, status, failure => _ = AfterDeliveryAsync(tick, failure))
        {
            Deadline = _silo.Time.GetTimestamp() + (long)(_silo.MessagingOptions.ResponseTimeout.TotalSeconds * _silo.Time.TimestampFrequency),
        };
        _silo.Catalog.Dispatch(record.GrainId, message);
    }

    private async Task AfterDeliveryAsync(ScheduledTick tick, Exception? failure)
    {
        var record = tick.Record;
        ReminderRecord? advanced = null;
        try
        {
            if (failure is PartitionUnavailableException or SiloUnavailableException or TimeoutException)
            {
                // Not delivered (or unknown): leave the reminder due; the owner delivers it again on a later poll.
                return;
            }

            if (failure is not null)
            {
                _silo.Log.ReminderTickFailed(failure, record.GrainId, record.Name);
            }

            if (!_silo.Partitions.TryGetServingEpoch(record.PartitionId, out var epoch, out _))
            {
                return;
            }

            var next = NextOccurrence(record.NextDue, record.Period, _silo.Time.GetUtcNow());
            var versions = await _silo.Store.ExecuteAsync(
                new FencedWrite(_silo.SiloId, record.PartitionId, epoch, [new AdvanceReminderOperation(record.GrainId, record.Name, record.Version, next)]),
                CancellationToken.None);
            _silo.Log.ReminderAdvanced(record.GrainId, record.Name, record.NextDue, record.Version, next, versions[0]);
            if (versions[0] > 0)
            {
                advanced = record with { NextDue = next, Version = versions[0] };
            }
        }
        catch (Exception exception)
        {
            _silo.Log.ReminderAdvanceFailed(exception, record.GrainId, record.Name);
        }
        finally
        {
            tick.Timer?.Dispose();
            lock (_lock)
            {
                if (_scheduled.TryGetValue((record.GrainId, record.Name), out var current) && ReferenceEquals(current, tick))
                {
                    _scheduled.Remove((record.GrainId, record.Name));
                    if (advanced is not null && !_stopping.IsCancellationRequested)
                    {
                        // Arm the next occurrence from what we just wrote; a poll that read the row before the advance
                        // committed sees a lower version and is ignored.
                        ArmLocked(advanced, "advance");
                    }
                }
            }
        }
    }

    private void Cancel((GrainId, string) key)
    {
        lock (_lock)
        {
            if (_scheduled.Remove(key, out var tick))
            {
                tick.Timer?.Dispose();
            }
        }
    }

    private void CancelPartition(int partitionId)
    {
        lock (_lock)
        {
            foreach (var (key, tick) in _scheduled.Where(s => s.Value.Record.PartitionId == partitionId).ToList())
            {
                tick.Timer?.Dispose();
                _scheduled.Remove(key);
            }
        }
    }

    private void CancelAll()
    {
        lock (_lock)
        {
            foreach (var tick in _scheduled.Values)
            {
                tick.Timer?.Dispose();
            }

            _scheduled.Clear();
        }
    }

    private sealed class ScheduledTick(ReminderRecord record, ReminderService service)
    {
        public ReminderRecord Record { get; } = record;

        public ITimer? Timer { get; set; }

        public ReminderService Service { get; } = service;

        public bool Delivering { get; set; }
    }

    private sealed record GrainReminder(string ReminderName, TimeSpan Period) : IGrainReminder;

    /// <summary>A reminder tick delivered as a turn.</summary>
    private sealed class ReminderTick(string name, TickStatus status, Action<Exception?> onCompleted) : GrainMessage
    {
        private int _reported;

        public override string Description => $"reminder '{name}'";

        public override bool MayInterleave(GrainClassInfo grainClass) => grainClass.IsReentrant;

        public override Task RunTurn(Activation activation) =>
            activation.GrainInstance is IRemindable remindable
                ? remindable.ReceiveReminder(name, status)
                : Task.FromException(new InvalidOperationException($"{activation.GrainId} does not implement IRemindable."));

        public override void OnTurnCompleted(Task turn) => Report(turn.IsCompletedSuccessfully ? null : turn.Exception?.InnerException ?? new TaskCanceledException());

        public override void Fail(Exception exception) => Report(exception);

        private void Report(Exception? failure)
        {
            if (Interlocked.Exchange(ref _reported, 1) == 0)
            {
                onCompleted(failure);
            }
        }
    }
}
