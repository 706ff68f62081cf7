using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Runtime.Catalog;
using Ops.Runtime.Cluster;
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
    private volatile TaskCompletionSource? _paused;

    public Silo(
        IServiceProvider services,
        IOptions<SiloOptions> siloOptions,
        IOptions<LeaseOptions> leaseOptions,
        IOptions<ActivationCollectionOptions> collectionOptions,
        IOptions<MessagingOptions> messagingOptions,
        IOptions<ReminderOptions> reminderOptions,
        IOptions<InboxOptions> inboxOptions,
        IOptions<ClusterOptions> clusterOptions,
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
        ClusterOptions = clusterOptions.Value;
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
        Leases = new LeaseManager(this, leaseOptions.Value, ClusterOptions, leaseClock);
        Map = new PartitionMap(this);
        if (!store.IsExclusive)
        {
            // A shared store means other silos: calls and inbox appends for their partitions are forwarded.
            Transport = new SiloTransport(this);
            Router = new CallRouter(this, ClusterOptions);
        }

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

    public ClusterOptions ClusterOptions { get; }

    /// <summary>Owner and address of every partition (routing cache).</summary>
    public PartitionMap Map { get; }

    /// <summary>The internal silo-to-silo endpoint and client; null on an exclusive store (one silo).</summary>
    public SiloTransport? Transport { get; }

    /// <summary>Forwards calls this silo does not serve; null on an exclusive store.</summary>
    public CallRouter? Router { get; }

    /// <summary>What this silo registered in the membership table (set at start).</summary>
    public SiloRegistration Registration { get; private set; } = null!;

    /// <summary>While paused (tests: a GC pause), the task that completes on resume; null otherwise.</summary>
    public Task? Paused => _paused?.Task;

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

    /// <summary>Starting or active: the silo admits work for the partitions it serves.</summary>
    public bool IsUp => _status is SiloLifecycleStatus.Starting or SiloLifecycleStatus.Active;

    /// <summary>Whether this silo may admit work for <paramref name="partitionId"/> now (it is up and serves the partition); otherwise why not.</summary>
    public bool Serves(int partitionId, out string reason)
    {
        if (!IsUp)
        {
            reason = $"the silo is {_status}";
            return false;
        }

        return Partitions.TryGetServingEpoch(partitionId, out _, out reason);
    }

    /// <summary>
    /// For a partition this silo does not <see cref="Serves"/>: whether it still holds it, up and not draining, so it
    /// is self-fenced (its lease renewal came late) and nobody else can serve it before the lease expires.
    /// </summary>
    public bool HoldsUnserved(int partitionId) =>
        IsUp && !Leases.DrainingAll && Partitions.Get(partitionId).Status == PartitionStatus.Owned;

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

        var siloPort = Options.SiloPort;
        if (Transport is not null)
        {
            await Transport.StartAsync(cancellationToken);
            siloPort = Transport.Port;
        }

        Registration = new SiloRegistration(SiloId, Options.SiloName, Options.AdvertisedHost, siloPort, Options.GatewayPort, Environment.ProcessId);
        await Store.RegisterSiloAsync(Registration, cancellationToken);
        Inbox.Start(_loopsStopping.Token);
        await Leases.AcquireInitialAsync(cancellationToken);

        var stopping = _loopsStopping.Token;
        _loops.Add(RunLoopAsync("lease renewal", Leases.RunAsync, stopping));
        if (!Store.IsExclusive)
        {
            _loops.Add(RunLoopAsync("rebalancing", Leases.RunRebalanceAsync, stopping));
            _loops.Add(RunLoopAsync("partition map", RefreshMapAsync, stopping));
        }

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

        Resume();
        _status = SiloLifecycleStatus.Stopping;
        Log.Stopping(Options.SiloName, Catalog.Count);
        await TryAsync(() => Store.SetSiloStatusAsync(SiloId, SiloStatus.ShuttingDown, cancellationToken));
        await Leases.BeginStoppingAsync();
        await Inbox.StopAsync(graceful: true);
        var deactivation = Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping"));
        if (Store.IsExclusive)
        {
            await deactivation.WaitAsync(cancellationToken);
        }
        else
        {
            try
            {
                // Bounded like a hand-off: writes still running after the release are fenced out.
                await deactivation.WaitAsync(ClusterOptions.DrainTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }

        await _loopsStopping.CancelAsync();
        await AwaitLoopsAsync();
        await Leases.ReleaseAllAsync(cancellationToken);
        await TryAsync(() => Store.SetSiloStatusAsync(SiloId, SiloStatus.Dead, cancellationToken));
        await _grainsStopping.CancelAsync();
        if (Transport is not null)
        {
            await Transport.StopAsync();
        }

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
        Resume();
        _loopsStopping.Cancel();
        _grainsStopping.Cancel();
        _ = Inbox.StopAsync(graceful: false);
        Catalog.AbandonAll(new SiloUnavailableException("The silo was killed."));
        if (Transport is not null)
        {
            // A crashed process stops answering at once: peers see refused connections.
            _ = Transport.StopAsync(immediately: true);
        }

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
        if (Transport is not null)
        {
            await Transport.DisposeAsync();
        }

        _loopsStopping.Dispose();
        _grainsStopping.Dispose();
    }

    /// <summary>
    /// Tests: freezes the silo as a long GC pause would: lease renewals, heartbeats, rebalancing, map refreshes and
    /// reminder polls stop, and no activation runs a turn or a continuation until <see cref="Resume"/>.
    /// </summary>
    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Ends a <see cref="Pause"/>: everything held back runs again.</summary>
    public void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    /// <summary>Waits while the silo is paused (background loops call it each round).</summary>
    public Task WhilePausedAsync(CancellationToken cancellationToken) => _paused?.Task.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Drains this silo without stopping it: every partition is handed off (activations deactivate and save, inbox
    /// offsets commit, leases are released) and it acquires nothing more; it keeps forwarding what it receives.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken) =>
        Store.IsExclusive
            ? throw new InvalidOperationException("A silo on an exclusive store (SQLite) is the only silo: there is nobody to hand its partitions to.")
            : Leases.DrainAllAsync(cancellationToken);

    private async Task RefreshMapAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(ClusterOptions.MapRefreshInterval, stopping);
            await WhilePausedAsync(stopping);
            try
            {
                await Map.RefreshAsync(stopping);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                Log.MapRefreshFailed(exception);
            }
        }
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
