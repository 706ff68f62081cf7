using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Runtime.Catalog;
using Ops.Runtime.Diagnostics;
using Ops.Runtime.Hosting;
using Ops.Runtime.Inbox;
using Ops.Runtime.Messaging;
using Ops.Runtime.Partitioning;
using Ops.Runtime.Reminders;
using Ops.Runtime.Serialization;
using Ops.Runtime.Storage;

namespace Ops.Runtime;

/// <summary>Where a silo is in its life.</summary>
public enum SiloLifecycleStatus
{
    /// <summary>Constructed, not started.</summary>
    Created,

    /// <summary>Initializing the store and acquiring partitions.</summary>
    Starting,

    /// <summary>Serving.</summary>
    Active,

    /// <summary>Deactivating its grains and releasing its partitions.</summary>
    Stopping,

    /// <summary>Stopped gracefully.</summary>
    Stopped,

    /// <summary>Killed (tests): nothing was flushed or released.</summary>
    Killed,
}

/// <summary>
/// One silo: the composition of catalog, partition table and lease manager, reminders, the inbox and the grain
/// factory, and their background loops. Built by the container; started and stopped by the hosted service.
/// </summary>
internal sealed class Silo : IAsyncDisposable
{
    /// <summary>The key of the <see cref="TimeProvider"/> used for lease validity (the system clock unless a test overrides it).</summary>
    public const string LeaseClockKey = "ops-runtime-lease-clock";

    private readonly CancellationTokenSource _loopsStopping = new();
    private readonly CancellationTokenSource _grainsStopping = new();
    private readonly List<Task> _loops = [];
    private volatile SiloLifecycleStatus _status = SiloLifecycleStatus.Created;

    public Silo(
        IServiceProvider services,
        IOptions<SiloOptions> siloOptions,
        IOptions<LeaseOptions> leaseOptions,
        IOptions<ActivationCollectionOptions> collectionOptions,
        IOptions<MessagingOptions> messagingOptions,
        IOptions<ReminderOptions> reminderOptions,
        IOptions<InboxOptions> inboxOptions,
        IRuntimeStore store,
        GrainTypeRegistry registry,
        TimeProvider time,
        [FromKeyedServices(LeaseClockKey)] TimeProvider leaseClock,
        ILoggerFactory loggerFactory)
    {
        Services = services;
        Options = siloOptions.Value;
        CollectionOptions = collectionOptions.Value;
        MessagingOptions = messagingOptions.Value;
        Store = store;
        Registry = registry;
        Time = time;
        Log = new SiloLog(loggerFactory.CreateLogger("Ops.Runtime.Silo"));
        Instruments = new RuntimeInstruments(this, services.GetService<IMeterFactory>());
        Partitions = new PartitionTable(new PartitionFunction(Options.PartitionCount), leaseClock);
        Catalog = new Catalog.Catalog(this);
        Serializer = new RuntimeSerializer(() => GrainFactory!);
        Sender = new GrainCallSender(this);
        GrainFactory = new GrainFactory(registry, Sender);
        Leases = new LeaseManager(this, leaseOptions.Value, leaseClock);
        Reminders = new ReminderService(this, reminderOptions.Value);
        var inbox = inboxOptions.Value;
        Inbox = new InboxService(this, inbox, inbox.Writers > 0 ? inbox.Writers : store.IsExclusive ? 1 : 4);
        Leases.AddListener(Inbox);
        Leases.AddListener(Reminders);
    }

    public Guid SiloId { get; } = Guid.NewGuid();

    public SiloOptions Options { get; }

    public ActivationCollectionOptions CollectionOptions { get; }

    public MessagingOptions MessagingOptions { get; }

    public IServiceProvider Services { get; }

    public IRuntimeStore Store { get; }

    public GrainTypeRegistry Registry { get; }

    /// <summary>The grain clock: timers, idle collection, call deadlines, reminder schedules.</summary>
    public TimeProvider Time { get; }

    public SiloLog Log { get; }

    /// <summary>The silo's meters and turn spans.</summary>
    public RuntimeInstruments Instruments { get; }

    public PartitionTable Partitions { get; }

    public Catalog.Catalog Catalog { get; }

    public RuntimeSerializer Serializer { get; }

    public GrainCallSender Sender { get; }

    public GrainFactory GrainFactory { get; }

    public LeaseManager Leases { get; }

    public ReminderService Reminders { get; }

    public InboxService Inbox { get; }

    public SiloLifecycleStatus Status => _status;

    /// <summary>Whether messages are delivered at all (false once stopped or killed).</summary>
    public bool IsAcceptingMessages => _status is SiloLifecycleStatus.Starting or SiloLifecycleStatus.Active or SiloLifecycleStatus.Stopping;

    /// <summary>Cancelled when the silo is killed or has stopped: given to OnActivateAsync and inbox handlers.</summary>
    public CancellationToken StoppingToken => _grainsStopping.Token;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _status = SiloLifecycleStatus.Starting;
        Log.Starting(Options.SiloName, SiloId, Options.ClusterId, Options.PartitionCount, Store.Dialect);
        var cluster = await Store.InitializeAsync(Options.PartitionCount, cancellationToken);
        if (cluster.PartitionCount != Options.PartitionCount)
        {
            throw new SiloStartupException(
                $"Silo:PartitionCount is {Options.PartitionCount}, but cluster '{cluster.ClusterId}' was created with {cluster.PartitionCount} partitions and N never changes for a cluster: set Silo:PartitionCount={cluster.PartitionCount} (or use a new Silo:ClusterId).");
        }

        await Store.RegisterSiloAsync(
            new SiloRegistration(SiloId, Options.SiloName, Options.AdvertisedHost, Options.SiloPort, Options.GatewayPort, Environment.ProcessId),
            cancellationToken);
        Inbox.Start(_loopsStopping.Token);
        await Leases.AcquireInitialAsync(cancellationToken);

        var stopping = _loopsStopping.Token;
        _loops.Add(RunLoopAsync("lease renewal", Leases.RunAsync, stopping));
        _loops.Add(RunLoopAsync("reminders", Reminders.RunAsync, stopping));
        _loops.Add(RunLoopAsync("idle collection", CollectIdleAsync, stopping));
        _loops.Add(RunLoopAsync("call deadlines", ExpireDeadlinesAsync, stopping));
        _status = SiloLifecycleStatus.Active;
        Log.Started(Options.SiloName, Partitions.OwnedCount, Partitions.Count);
    }

    /// <summary>
    /// Graceful stop: no new activations; inbox consumers commit their offsets; every activation runs
    /// OnDeactivateAsync (its writes still fenced and valid); partitions are released so a successor takes them
    /// at once; the membership row is marked dead.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_status is SiloLifecycleStatus.Stopped or SiloLifecycleStatus.Killed or SiloLifecycleStatus.Created)
        {
            return;
        }

        _status = SiloLifecycleStatus.Stopping;
        Log.Stopping(Options.SiloName, Catalog.Count);
        await TryAsync(() => Store.SetSiloStatusAsync(SiloId, SiloStatus.ShuttingDown, cancellationToken));
        await Inbox.StopAsync(graceful: true);
        await Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping")).WaitAsync(cancellationToken);
        await _loopsStopping.CancelAsync();
        await AwaitLoopsAsync();
        await Leases.ReleaseAllAsync(cancellationToken);
        await TryAsync(() => Store.SetSiloStatusAsync(SiloId, SiloStatus.Dead, cancellationToken));
        await _grainsStopping.CancelAsync();
        _status = SiloLifecycleStatus.Stopped;
        Log.Stopped(Options.SiloName);
    }

    /// <summary>
    /// Simulates a crash: loops stop, activations vanish without OnDeactivateAsync, nothing is written or released.
    /// Leases expire (or, on an exclusive store, are taken over by the next silo); epochs fence any zombie write.
    /// </summary>
    public void Kill()
    {
        if (_status is SiloLifecycleStatus.Stopped or SiloLifecycleStatus.Killed)
        {
            return;
        }

        _status = SiloLifecycleStatus.Killed;
        _loopsStopping.Cancel();
        _grainsStopping.Cancel();
        _ = Inbox.StopAsync(graceful: false);
        Catalog.AbandonAll(new SiloUnavailableException("The silo was killed."));
        Log.Killed(Options.SiloName);
    }

    public async ValueTask DisposeAsync()
    {
        if (_status == SiloLifecycleStatus.Starting)
        {
            // The host failed to start (e.g. its port was taken): abandon quietly, nothing was served.
            _status = SiloLifecycleStatus.Stopped;
            _loopsStopping.Cancel();
            _grainsStopping.Cancel();
            _ = Inbox.StopAsync(graceful: false);
            Catalog.AbandonAll(new SiloUnavailableException("The silo did not start."));
        }
        else if (_status is not (SiloLifecycleStatus.Stopped or SiloLifecycleStatus.Killed or SiloLifecycleStatus.Created))
        {
            Kill();
        }

        await AwaitLoopsAsync();
        _loopsStopping.Dispose();
        _grainsStopping.Dispose();
    }

    private async Task CollectIdleAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(CollectionOptions.CollectionQuantum, Time, stopping);
            var collected = Catalog.CollectIdle(Time.GetTimestamp(), CollectionOptions.CollectionAge);
            if (collected > 0)
            {
                Log.IdleCollected(collected);
                Instruments.ActivationsCollected(collected);
            }
        }
    }

    private async Task ExpireDeadlinesAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(MessagingOptions.DeadlineSweepInterval, Time, stopping);
            Catalog.ExpireDeadlines(Time.GetTimestamp());
        }
    }

    private async Task RunLoopAsync(string name, Func<CancellationToken, Task> loop, CancellationToken stopping)
    {
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await loop(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.LoopFailed(exception, name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task AwaitLoopsAsync()
    {
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception)
        {
            // Best effort: membership status is for display and routing, never for safety.
        }
    }
}
