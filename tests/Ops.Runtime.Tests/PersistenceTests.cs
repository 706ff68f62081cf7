using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Storage;
using Ops.Runtime.Testing;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class PersistenceTests
{
    [SkippableTheory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.PostgreSql)]
    public async Task State_survives_a_graceful_restart_of_the_silo(TestStorage storage)
    {
        TestClusters.Require(storage);
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, storage: storage);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("restart");
        for (var i = 0; i < 5; i++)
        {
            await counter.Increment();
        }

        await cluster.RestartSiloAsync(cluster.Primary);

        Assert.Equal(5, await cluster.GrainFactory.GetGrain<ICounterGrain>("restart").Get());
        Assert.Contains("deactivate:restart:ShuttingDown", probe.Events);
    }

    [SkippableTheory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.PostgreSql)]
    public async Task Every_acknowledged_write_survives_a_kill_of_the_silo(TestStorage storage)
    {
        TestClusters.Require(storage);
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, storage: storage);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("killed");
        for (var i = 0; i < 5; i++)
        {
            await counter.Increment();
        }

        await cluster.RestartSiloAsync(cluster.Primary, kill: true);

        Assert.Equal(5, await cluster.GrainFactory.GetGrain<ICounterGrain>("killed").Get());
        Assert.DoesNotContain("deactivate:killed", string.Join(",", probe.Events), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cleared_state_reloads_as_default_and_its_version_keeps_rising()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("cleared");
        await counter.Increment();
        await counter.Increment();

        await counter.Clear();
        Assert.False(await counter.RecordExists());
        Assert.Equal("3", await counter.GetEtag());
        await cluster.RestartSiloAsync(cluster.Primary);

        counter = cluster.GrainFactory.GetGrain<ICounterGrain>("cleared");
        Assert.Equal(0, await counter.Get());
        Assert.False(await counter.RecordExists());
        Assert.Equal(1, await counter.Increment());
        Assert.Equal("4", await counter.GetEtag());
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_rejected_and_the_next_call_reloads_the_stored_state()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("stale");
        await counter.Increment();
        var etag = await counter.GetEtag();

        // Another writer under the same lease (as a duplicate activation would be) moves the stored version on.
        var silo = cluster.Primary;
        var store = silo.Services.GetRequiredService<IRuntimeStore>();
        var grainId = counter.GetGrainId();
        var partition = (int)(grainId.StableHash % (ulong)silo.Diagnostics.PartitionCount);
        var epoch = silo.Diagnostics.ServingPartitions.Single(p => p.PartitionId == partition).Epoch;
        await store.ExecuteAsync(
            new FencedWrite(silo.Diagnostics.SiloId, partition, epoch, [new WriteStateOperation(grainId, "counter", long.Parse(etag!, System.Globalization.CultureInfo.InvariantCulture), "{\"value\":41}"u8.ToArray())]),
            CancellationToken.None);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => counter.Increment());

        await Probe.WaitUntilAsync(() => probe.Events.Contains("deactivate:stale:InconsistentState"));
        Assert.Equal(41, await counter.Get());
        Assert.Equal(42, await counter.Increment());
    }
}
