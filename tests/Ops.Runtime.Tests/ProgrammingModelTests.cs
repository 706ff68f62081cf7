using System.Text;
using Ops.Runtime.Catalog;
using Ops.Runtime.Partitioning;
using Ops.Runtime.Tests.BadGrains;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class ProgrammingModelTests
{
    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void The_placement_hash_is_64_bit_FNV_1a(string text, ulong expected) =>
        Assert.Equal(expected, StableHash.Fnv1a64(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("product", "checkout", 64, 61)]
    [InlineData("product", "payments", 64, 26)]
    [InlineData("incident", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", 64, 37)]
    [InlineData("builder", "team-ä-ø", 64, 0)]
    [InlineData("ops-agent", "checkout", 7, 4)]
    public void Grain_placement_is_pinned_by_test_vectors(string type, string key, int partitions, int expected)
    {
        var grainId = GrainId.Create(type, key);

        Assert.Equal(StableHash.Fnv1a64(Encoding.UTF8.GetBytes($"{type}/{key}")), grainId.StableHash);
        Assert.Equal(expected, PartitionFunction.GetPartition(grainId, partitions));
    }

    [Fact]
    public void A_grain_interface_method_that_does_not_return_a_task_is_rejected_at_start_up_by_name()
    {
        var exception = Assert.Throws<GrainTypeValidationException>(() => new GrainTypeRegistry([typeof(SyncGrain)]));

        Assert.Contains("ISyncGrain.Compute returns Int32", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grain_class_without_a_stable_type_name_is_rejected_at_start_up()
    {
        var exception = Assert.Throws<GrainTypeValidationException>(() => new GrainTypeRegistry([typeof(UnnamedGrain)]));

        Assert.Contains("UnnamedGrain has no [GrainType", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reentrant_inbox_recipient_and_a_stateful_stateless_worker_are_rejected_at_start_up()
    {
        var exception = Assert.Throws<GrainTypeValidationException>(() => new GrainTypeRegistry([typeof(ReentrantRecipient), typeof(StatefulWorker)]));

        Assert.Equal(2, exception.Problems.Count);
        Assert.Contains(exception.Problems, p => p.Contains("ReentrantRecipient receives inbox records and is [Reentrant]", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("StatefulWorker is a [StatelessWorker] and cannot have persistent state", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructing_a_grain_with_new_fails_with_a_clear_message()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new IsolationGrain());

        Assert.Contains("cannot be constructed with 'new'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_and_results_are_isolated_between_caller_and_grain()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IIsolationGrain>("isolated");
        var payload = new Payload { Items = ["one"] };

        await grain.Keep(payload);
        payload.Items.Add("two");
        var returned = await grain.GetKept();
        returned.Items.Add("three");

        Assert.Equal(1, await grain.CountKept());
    }

    [Fact]
    public async Task Grain_references_travel_as_arguments()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("relayed");

        var result = await cluster.GrainFactory.GetGrain<IIsolationGrain>("relay").Relay(counter);

        Assert.Equal("test.counter/relayed=1", result);
        Assert.Equal(counter, cluster.GrainFactory.GetGrain<ICounterGrain>("relayed"));
    }
}
