using Ops.Runtime.Hosting;
using Ops.Runtime.Messaging;
using Ops.Runtime.Partitioning;

namespace Ops.Runtime.Cluster;

/// <summary>
/// Places calls this silo cannot serve itself: forwards them to the partition's owner over the internal port, or
/// waits for an owner to appear (hand-off, lease expiry after a crash) and retries, within the call's deadline and
/// <see cref="ClusterOptions.RoutingTimeout"/>. A call is retried only while it is certain it never ran: NotOwner,
/// unavailable, or a connection that could not be opened. Any answer from a turn that ran is final.
/// </summary>
internal sealed class CallRouter
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);

    private readonly Silo _silo;
    private readonly ClusterOptions _options;

    public CallRouter(Silo silo, ClusterOptions options)
    {
        _silo = silo;
        _options = options;
    }

    /// <summary>Takes over a call the catalog could not serve locally (partition <paramref name="partitionId"/>).</summary>
    public void Route(GrainId target, Catalog.GrainClassInfo grainClass, GrainCall call, int partitionId, string reason) =>
        _ = RouteAsync(target, grainClass, call, partitionId, reason);

    /// <summary>Back-off before retry number <paramref name="attempt"/> (0: none).</summary>
    public static TimeSpan Backoff(int attempt) =>
        attempt <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(attempt - 1, 10)));

    private async Task RouteAsync(GrainId target, Catalog.GrainClassInfo grainClass, GrainCall call, int partitionId, string reason)
    {
        var time = _silo.Time;
        var routingDeadline = Math.Min(call.Deadline, time.GetTimestamp() + (long)(_options.RoutingTimeout.TotalSeconds * time.TimestampFrequency));
        Exception last = new PartitionUnavailableException(partitionId, reason);
        try
        {
            while (true)
            {
                var attempt = call.RouteAttempts++;
                var backoff = Backoff(attempt);
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, _silo.StoppingToken);
                }

                if (time.GetTimestamp() >= routingDeadline)
                {
                    call.Fail(time.GetTimestamp() >= call.Deadline
                        ? new TimeoutException($"{call.Description} on {target} found no silo serving partition {partitionId} before its deadline: {last.Message}", last)
                        : last);
                    return;
                }

                if (_silo.Serves(partitionId, out _))
                {
                    // Served here now (acquired meanwhile): the catalog takes it; if that fails again it comes back here.
                    _silo.Catalog.Dispatch(target, grainClass, call);
                    return;
                }

                // This silo's own table is authoritative about what it holds; the map is for the others.
                if (_silo.HoldsUnserved(partitionId))
                {
                    // Held but self-fenced (renewals fail): nobody else can serve it before the lease expires.
                    call.Fail(new PartitionUnavailableException(partitionId, "its lease could not be renewed in time (self-fenced until the next renewal succeeds)"));
                    return;
                }

                var route = _silo.Map.Get(partitionId);
                if (_silo.Partitions.Get(partitionId).Status != PartitionStatus.NotOwned || route.Owner == _silo.SiloId)
                {
                    // Being handed off or released here (or the map is older than a release): wait for the next owner.
                    last = new PartitionUnavailableException(partitionId, "it is being handed off");
                    await RefreshQuietlyAsync();
                    continue;
                }

                if (route.Owner is not { } owner || route.Address is not { } address)
                {
                    last = new PartitionUnavailableException(partitionId, "no live silo owns it yet");
                    await RefreshQuietlyAsync();
                    continue;
                }

                using var timeout = new CancellationTokenSource(Remaining(call.Deadline, TimeSpan.FromSeconds(1)), time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _silo.StoppingToken);
                ForwardOutcome outcome;
                string detail;
                try
                {
                    (outcome, detail) = await _silo.Transport!.InvokeAsync(address, target, call, linked.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    call.Fail(new TimeoutException($"{call.Description} on {target} was forwarded to silo {owner} at {address} and got no answer before its deadline; it may or may not have run."));
                    return;
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException)
                {
                    // The request may have reached the owner: the call is not retried (at most once).
                    call.Fail(new SiloUnavailableException($"{call.Description} on {target} was forwarded to silo {owner} at {address}, which did not answer ({exception.Message}); it may or may not have run.", exception));
                    return;
                }

                if (outcome == ForwardOutcome.Done)
                {
                    return;
                }

                _silo.Log.ForwardRetry(call.Method.Name, target, partitionId, owner, address, $"{outcome}: {detail}");
                last = new PartitionUnavailableException(partitionId, $"silo {owner} answered {outcome}: {detail}");
                await RefreshQuietlyAsync();
            }
        }
        catch (OperationCanceledException) when (_silo.StoppingToken.IsCancellationRequested)
        {
            call.Fail(new SiloUnavailableException("The silo stopped while routing the call."));
        }
        catch (Exception exception)
        {
            call.Fail(exception);
        }
    }

    private TimeSpan Remaining(long deadline, TimeSpan grace)
    {
        if (deadline == long.MaxValue)
        {
            return _options.RoutingTimeout + grace;
        }

        var remaining = _silo.Time.GetElapsedTime(_silo.Time.GetTimestamp(), deadline);
        return (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + grace;
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await _silo.Map.RefreshAsync(_silo.StoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_silo.StoppingToken.IsCancellationRequested)
        {
            // The database may be unreachable from here; the retry uses the previous map.
        }
    }
}
