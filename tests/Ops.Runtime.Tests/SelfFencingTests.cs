using Ops.Runtime.Testing;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class SelfFencingTests
{
    [SkippableFact]
    public async Task A_silo_cut_off_from_its_database_stops_serving_before_its_lease_expires_and_resumes_under_the_same_epoch()
    {
        TestClusters.Require(TestStorage.PostgreSql);
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, storage: TestStorage.PostgreSql, configure: o =>
        {
            o.Configuration["Leases:Ttl"] = "00:00:03";
            o.Configuration["Leases:RenewInterval"] = "00:00:00.300";
            o.Configuration["Leases:SafetyMargin"] = "00:00:00.800";
        });
        var silo = cluster.Primary;
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("fenced");
        await counter.Increment();
        var epochs = silo.Diagnostics.ServingPartitions.ToDictionary(p => p.PartitionId, p => p.Epoch);

        // Renewals hang: the silo stops serving at its local validity (last renewal sent + Ttl − SafetyMargin).
        silo.Faults.BlackHole();
        await Probe.WaitUntilAsync(() => silo.Diagnostics.ServingPartitions.Count == 0, TimeSpan.FromSeconds(10), "the silo fences itself");
        await Assert.ThrowsAsync<PartitionUnavailableException>(() => counter.Get());

        silo.Faults.Heal();
        await Probe.WaitUntilAsync(() => silo.Diagnostics.ServingPartitions.Count == epochs.Count, TimeSpan.FromSeconds(10), "serving resumes");
        Assert.Equal(epochs, silo.Diagnostics.ServingPartitions.ToDictionary(p => p.PartitionId, p => p.Epoch));
        Assert.Equal(1, await counter.Get());
        Assert.Equal(1, await counter.ActivationCount());
    }
}
