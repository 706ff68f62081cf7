using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Ops.Runtime.Diagnostics;

namespace Ops.Cluster.Tests;

/// <summary>Calls and inbox appends entering any silo reach the partition's owner (T10, T11).</summary>
public sealed class RoutingTests
{
    [SkippableFact]
    public async Task Calls_through_random_gateways_keep_one_activation_per_grain_and_lose_no_update()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        const int grains = 30;
        const int callsPerWorker = 50;
        const int workers = 12;
        var acknowledged = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<Exception>();

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < callsPerWorker; i++)
            {
                var key = $"t10-{random.Next(grains)}";
                var gateway = cluster.Silos[random.Next(cluster.Silos.Count)];
                try
                {
                    await gateway.GrainFactory.GetGrain<ICounterGrain>(key).Increment();
                    acknowledged.AddOrUpdate(key, 1, (_, v) => v + 1);
                }
                catch (Exception exception)
                {
                    failures.Add(exception);
                }
            }
        })));

        Assert.Empty(failures);
        Assert.Equal(workers * callsPerWorker, acknowledged.Values.Sum());
        foreach (var (key, count) in acknowledged)
        {
            var id = cluster.Primary.GrainFactory.GetGrainId<ICounterGrain>(key);
            var active = cluster.FindActivations(id);
            Assert.True(active.Count == 1, $"{key} is active on {active.Count} silos");
            Assert.Equal(count, await cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key).Get());
            Assert.Equal(1, probe.Count($"activations:{key}"));
        }

        // Every silo served some grains and forwarded calls to the others.
        Assert.All(cluster.Silos, s => Assert.True(s.ForwardedCalls > 0, $"{s} forwarded nothing"));
    }

    [SkippableFact]
    public async Task A_call_entering_a_non_owner_is_forwarded_over_http2_with_its_trace_context()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var owner = cluster.Silos[0];
        var gateway = cluster.Silos[1];
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, owner, "t11");

        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TelemetryNames.Runtime or "Ops.Cluster.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var testSource = new ActivitySource("Ops.Cluster.Tests");

        var forwardedBefore = gateway.ForwardedCalls;
        Guid ranOn;
        ActivityTraceId traceId;
        using (var client = testSource.StartActivity("client call"))
        {
            traceId = client!.TraceId;
            Assert.Equal(1, await gateway.GrainFactory.GetGrain<ICounterGrain>(key).Increment());
            ranOn = await gateway.GrainFactory.GetGrain<ICounterGrain>(key).Silo();
        }

        Assert.Equal(owner.SiloId, ranOn);
        Assert.Same(owner, cluster.FindActivation(gateway.GrainFactory.GetGrainId<ICounterGrain>(key)));
        Assert.Equal(2, gateway.ForwardedCalls - forwardedBefore);
        Assert.Equal(gateway.ForwardedCalls, gateway.Http2Responses);

        // The owner's side of the hop continues the caller's trace. Spans end after the result is handed back
        // (the owner writes its response before its span closes), so wait for both pairs to be recorded.
        bool Recorded(string prefix) => activities.Count(a => a.OperationName.StartsWith(prefix, StringComparison.Ordinal) && a.TraceId == traceId) >= 2;
        await Probe.WaitUntilAsync(() => Recorded("forward ") && Recorded("invoke "), TimeSpan.FromSeconds(5), "both hops' spans are recorded");
        var forward = activities.Where(a => a.OperationName.StartsWith("forward ", StringComparison.Ordinal) && a.TraceId == traceId).ToList();
        var invoke = activities.Where(a => a.OperationName.StartsWith("invoke ", StringComparison.Ordinal) && a.TraceId == traceId).ToList();
        Assert.Equal(2, forward.Count);
        Assert.Equal(2, invoke.Count);
        Assert.All(invoke, i => Assert.Contains(forward, f => f.SpanId == i.ParentSpanId));

        // The internal port speaks HTTP/2 cleartext (prior knowledge).
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{owner.InternalPort}/_rt/v1/ping")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("HTTP/2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_stale_route_is_answered_not_owner_and_retried_with_the_refreshed_map_in_two_hops()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var (gateway, stale, owner) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        var key = Clusters.KeyServedBy<ICounterGrain>(cluster, owner, "stale");
        var grainId = gateway.GrainFactory.GetGrainId<ICounterGrain>(key);
        gateway.Misroute(cluster.PartitionOf(grainId), stale);
        var (refusedBefore, staleForwardedBefore) = (gateway.RefusedForwards, stale.ForwardedCalls);

        Assert.Equal(1, await gateway.GrainFactory.GetGrain<ICounterGrain>(key).Increment());

        Assert.Equal(refusedBefore + 1, gateway.RefusedForwards);
        Assert.Equal(staleForwardedBefore, stale.ForwardedCalls);
        Assert.Same(owner, cluster.FindActivation(grainId));
    }

    [SkippableFact]
    public async Task Grain_exceptions_and_call_cycles_cross_the_hop()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var a = Clusters.KeyServedBy<ICounterGrain>(cluster, cluster.Silos[0], "cycle-a");
        var b = Clusters.KeyServedBy<ICounterGrain>(cluster, cluster.Silos[1], "cycle-b");
        var gateway = cluster.Silos[2].GrainFactory;

        var argument = await Assert.ThrowsAsync<ArgumentException>(() => gateway.GetGrain<ICounterGrain>(a).Fail("threshold"));
        Assert.Equal("threshold", argument.ParamName);

        // a (silo 0) → b (silo 1) → a: a deadlock detected across two hops, not a timeout.
        var deadlock = await Assert.ThrowsAsync<DeadlockException>(() => gateway.GetGrain<ICounterGrain>(a).CallThrough(b, allowReentry: false));
        Assert.Equal([a, b, a], deadlock.CallChain.Select(g => g.Key).ToArray());
        Assert.Equal(1, await gateway.GetGrain<ICounterGrain>(a).CallThrough(b, allowReentry: true));
    }

    [SkippableFact]
    public async Task Inbox_appends_entering_any_silo_are_stored_by_the_owner_and_applied_there()
    {
        var probe = new Probe();
        await using var cluster = await Clusters.StartAsync(probe);
        var owner = cluster.Silos[2];
        var key = Clusters.KeyServedBy<IInboxGrain>(cluster, owner, "inbox");
        var recipient = owner.GrainFactory.GetGrainId<IInboxGrain>(key);
        var other = Clusters.KeyServedBy<IInboxGrain>(cluster, cluster.Silos[1], "inbox-other");

        // A single append and a batch spanning two owners, both entering silo 0.
        var single = await cluster.Silos[0].Inbox.AppendAsync(recipient, "test", Encoding.UTF8.GetBytes("r-0"));
        var batch = await cluster.Silos[0].Inbox.AppendAsync(
        [
            new InboxAppend(recipient, "test", Encoding.UTF8.GetBytes("r-1")),
            new InboxAppend(cluster.Silos[0].GrainFactory.GetGrainId<IInboxGrain>(other), "test", Encoding.UTF8.GetBytes("o-1")),
            new InboxAppend(recipient, "test", Encoding.UTF8.GetBytes("r-2")),
        ]);

        Assert.Equal(cluster.PartitionOf(recipient), single.PartitionId);
        Assert.Equal([single.Offset + 1, single.Offset + 2], new[] { batch[0].Offset, batch[2].Offset });
        await Probe.WaitUntilAsync(() => cluster.Silos[1].GrainFactory.GetGrain<IInboxGrain>(key).Ledger().GetAwaiter().GetResult().Applied.Count == 3);
        var ledger = await cluster.Silos[1].GrainFactory.GetGrain<IInboxGrain>(key).Ledger();
        Assert.Equal(["r-0", "r-1", "r-2"], ledger.Applied);
        Assert.All(ledger.AppliedOn, s => Assert.Equal(owner.SiloId, s));
        await Probe.WaitUntilAsync(() => cluster.Silos[2].GrainFactory.GetGrain<IInboxGrain>(other).Ledger().GetAwaiter().GetResult().Applied.SequenceEqual(["o-1"]));
    }
}
