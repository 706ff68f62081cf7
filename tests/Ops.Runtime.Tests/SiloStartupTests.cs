using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class SiloStartupTests
{
    [Fact]
    public async Task A_second_silo_on_the_same_sqlite_file_refuses_to_serve_with_a_message_naming_the_file()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);

        var exception = await Assert.ThrowsAsync<StoreInUseException>(() => cluster.StartSiloAsync("intruder"));

        Assert.Contains(cluster.Options.SqlitePath!, exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, await cluster.GrainFactory.GetGrain<ICounterGrain>("still-served").Increment());
    }

    [Fact]
    public async Task A_silo_configured_with_another_partition_count_refuses_to_start()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        await cluster.StopSiloAsync(cluster.Primary);
        cluster.Options.Configuration["Silo:PartitionCount"] = "16";

        var exception = await Assert.ThrowsAsync<SiloStartupException>(() => cluster.StartSiloAsync());

        Assert.Contains("Silo:PartitionCount is 16", exception.Message, StringComparison.Ordinal);
        Assert.Contains("set Silo:PartitionCount=8", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_owns_every_partition_through_real_lease_rows()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var silo = cluster.Primary;

        var partitions = await silo.Services.GetService<IRuntimeStore>()!.ReadPartitionsAsync(CancellationToken.None);

        Assert.Equal(8, partitions.Count);
        Assert.All(partitions, p => Assert.Equal(silo.Diagnostics.SiloId, p.OwnerSilo));
        Assert.All(partitions, p => Assert.True(p.LeaseRemaining > TimeSpan.Zero));
        Assert.Equal(8, silo.Diagnostics.ServingPartitions.Count);
    }
}
