using Ops.Cli.Tests.Harness;

namespace Ops.Cli.Tests;

/// <summary><c>opsctl cluster</c> against a real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ClusterCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Cluster_json_shows_the_silo_and_64_partitions_with_owner_and_epoch()
    {
        var cluster = await silo.Opsctl().JsonAsync("cluster");

        var partitions = cluster["partitions"]!.AsArray();
        Assert.Equal(64, partitions.Count);
        var thisSilo = (string?)cluster["thisSilo"];
        Assert.All(partitions, p => Assert.Equal(thisSilo, (string?)p!["ownerSilo"]));
        Assert.All(partitions, p => Assert.True((long)p!["epoch"]! >= 1));
        Assert.Contains(cluster["silos"]!.AsArray(), s => (string?)s!["siloId"] == thisSilo && (string?)s["status"] == "active");
    }

    [Fact]
    public async Task Cluster_table_lists_every_partition()
    {
        var run = await silo.Opsctl().RunAsync("cluster");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("INBOX LAG", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("64 partitions, 64 served by the answering silo", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_finds_the_silo_by_id_and_an_embedded_single_silo_refuses_it_as_a_conflict()
    {
        var unknown = await silo.Opsctl().RunAsync("cluster", "drain", "no-such-silo");
        Assert.Equal((int)ExitCode.NotFound, unknown.ExitCode);

        var cluster = await silo.Opsctl().JsonAsync("cluster");
        var drain = await silo.Opsctl().RunAsync("cluster", "drain", cluster["thisSilo"]!.GetValue<string>());

        // SQLite is one silo owning every partition: there is nobody to hand them to (409).
        Assert.Equal((int)ExitCode.Conflict, drain.ExitCode);
    }

    [Fact]
    public async Task Catalog_reload_rereads_silo_config()
    {
        var reload = await silo.Opsctl().JsonAsync("catalog", "reload");

        Assert.True((int)reload["products"]! >= 11);
        Assert.Equal(1, (int)reload["tiers"]!);
    }
}
