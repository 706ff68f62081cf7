using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ops.Silo.Tests;

/// <summary>Two real silo hosts on one PostgreSQL database: any gateway serves any grain; a silo can be drained over HTTP.</summary>
public sealed class ClusterHostTests : IDisposable
{
    private readonly List<string> _directories = [];

    [SkippableFact]
    public async Task Two_silos_share_the_partitions_serve_each_others_grains_and_one_drains_over_http()
    {
        var connectionString = Environment.GetEnvironmentVariable("OPS_TEST_POSTGRES");
        if (connectionString is null && Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1")
        {
            throw new InvalidOperationException("OPS_REQUIRE_POSTGRES=1 but OPS_TEST_POSTGRES is not set; run scripts/test.sh.");
        }

        Skip.If(connectionString is null, "Needs PostgreSQL: set OPS_TEST_POSTGRES.");
        var cluster = $"host-{Guid.NewGuid():N}"[..20];
        string[] args =
        [
            "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", connectionString!, "--Silo:ClusterId", cluster,
            "--Silo:PartitionCount", "8", "--Leases:Ttl", "00:00:03", "--Leases:RenewInterval", "00:00:00.300",
            "--Leases:SafetyMargin", "00:00:00.800", "--Cluster:RebalanceInterval", "00:00:00.200",
            "--Cluster:MapRefreshInterval", "00:00:00.250", "--Cluster:JoinTimeout", "00:00:01",
        ];
        await using var first = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]);
        await using var second = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]);
        await WaitUntilAsync(async () => await ServingAsync(first) == 4 && await ServingAsync(second) == 4, "the partitions are shared 4 / 4");

        var view = await first.GetAsync<JsonElement>("/api/v1/cluster");
        Assert.Equal(2, view.GetProperty("silos").GetArrayLength());

        // Counters added through one gateway are read through the other, wherever their partition lives.
        for (var i = 0; i < 8; i++)
        {
            var added = await (i % 2 == 0 ? first : second).Client.PostAsync($"/api/v1/sample/counters/c{i}/add?amount={i + 1}", null);
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(i + 1, (await (i % 2 == 0 ? second : first).GetAsync<JsonElement>($"/api/v1/sample/counters/c{i}")).GetProperty("value").GetInt64());
        }

        var drained = await first.Client.PostAsync("/api/v1/cluster/drain", null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.Equal(0, (await drained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("servingPartitions").GetInt32());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first.Client.GetAsync("/health/ready")).StatusCode);
        await WaitUntilAsync(async () => await ServingAsync(second) == 8, "the other silo takes every partition");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(i + 1, (await first.GetAsync<JsonElement>($"/api/v1/sample/counters/c{i}")).GetProperty("value").GetInt64());
        }
    }

    [Fact]
    public async Task Draining_a_single_sqlite_silo_is_refused()
    {
        await using var silo = await SiloHost.StartAsync(NewDirectory());

        var response = await silo.Client.PostAsync("/api/v1/cluster/drain", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Client.GetAsync("/health/ready")).StatusCode);
    }

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("ops-cluster-host-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private static async Task<int> ServingAsync(SiloHost silo)
    {
        var ready = await silo.Client.GetFromJsonAsync<JsonElement>("/");
        return ready.GetProperty("partitions").GetProperty("serving").GetInt32();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not met in time: {because}.");
            }

            await Task.Delay(100);
        }
    }
}
