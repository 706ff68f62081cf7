using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ops.Silo.Tests;

/// <summary>
/// Two real silo hosts on one PostgreSQL database share one catalog: a change made through either silo's API is kept
/// in the database, reaches the other silo within a few seconds and outlives both silos and their data directories.
/// </summary>
public sealed class CatalogClusterTests : IDisposable
{
    /// <summary>Generous against the default Catalog:OverlayPollInterval (2 s) on a busy CI machine.</summary>
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);

    private readonly List<string> _directories = [];

    [SkippableFact]
    public async Task A_product_created_through_one_silo_is_served_by_the_other_within_seconds()
    {
        var args = ClusterArgs();
        await using var first = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]);
        await using var second = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]);

        await PutProductAsync(first, "ledger", "payments-team");

        var ledger = await WaitForProductAsync(second, "ledger", p => p.GetProperty("owner").GetString() == "payments-team");
        Assert.Equal("api:amara", ledger.GetProperty("declaredAt").GetProperty("file").GetString());
        Assert.False(File.Exists(Path.Combine(_directories[0], "catalog-overlay.json")), "a cluster keeps its catalog changes in the database, not in a silo's data directory");
    }

    [SkippableFact]
    public async Task Catalog_changes_survive_restarting_every_silo_on_new_data_directories()
    {
        var args = ClusterArgs();
        await using (var first = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]))
        await using (var second = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]))
        {
            await PutProductAsync(first, "ledger", "payments-team");
            await WaitForProductAsync(second, "ledger", _ => true);
            var transferred = await second.Client.SendAsync(Request(HttpMethod.Post, "/api/v1/products/ledger/transfer", new { actor = "priya", to = "discovery-team" }));
            Assert.Equal(HttpStatusCode.OK, transferred.StatusCode);
        }

        await using var firstAgain = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]);
        await using var secondAgain = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]);
        foreach (var silo in new[] { firstAgain, secondAgain })
        {
            var ledger = await silo.GetAsync<JsonElement>("/api/v1/products/ledger");
            Assert.Equal("discovery-team", ledger.GetProperty("spec").GetProperty("owner").GetString());
        }
    }

    [SkippableFact]
    public async Task Concurrent_changes_of_different_products_through_both_silos_all_survive()
    {
        var args = ClusterArgs();
        await using var first = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]);
        await using var second = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]);
        var names = new List<string>();

        for (var round = 0; round < 5; round++)
        {
            string[] pair = [$"ledger-{round}", $"billing-{round}"];
            names.AddRange(pair);
            await Task.WhenAll(PutProductAsync(first, pair[0], "payments-team"), PutProductAsync(second, pair[1], "discovery-team"));
        }

        foreach (var silo in new[] { first, second })
        {
            foreach (var name in names)
            {
                await WaitForProductAsync(silo, name, _ => true);
            }
        }
    }

    [SkippableFact]
    public async Task A_change_through_a_silo_that_has_not_seen_another_silos_change_keeps_it()
    {
        // Polling slower than the test: the second silo only learns of the first's change when its own save is refused.
        var args = ClusterArgs("--Catalog:OverlayPollInterval", "00:05:00");
        await using var first = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "first"]);
        await using var second = await SiloHost.StartAsync(NewDirectory(), [.. args, "--Silo:SiloName", "second"]);
        await PutProductAsync(first, "ledger", "payments-team");
        Assert.Equal(HttpStatusCode.NotFound, (await second.Client.GetAsync("/api/v1/products/ledger")).StatusCode);

        await PutProductAsync(second, "billing", "discovery-team");

        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/v1/products/ledger")).StatusCode);
        var reloaded = await first.Client.SendAsync(Request(HttpMethod.Post, "/api/v1/catalog/reload", null));
        Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/v1/products/billing")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/v1/products/ledger")).StatusCode);
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

    private static string[] ClusterArgs(params string[] extra)
    {
        var connectionString = TestPostgres.Require();
        return
        [
            "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", connectionString, "--Silo:ClusterId", TestPostgres.NewClusterId("catalog"),
            "--Silo:PartitionCount", "8", "--Leases:Ttl", "00:00:03", "--Leases:RenewInterval", "00:00:00.300",
            "--Leases:SafetyMargin", "00:00:00.800", "--Cluster:RebalanceInterval", "00:00:00.200",
            "--Cluster:MapRefreshInterval", "00:00:00.250", "--Cluster:JoinTimeout", "00:00:01", .. extra,
        ];
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Ops-Actor", "amara");
        return request;
    }

    private static async Task PutProductAsync(SiloHost silo, string name, string owner)
    {
        var response = await silo.Client.SendAsync(Request(HttpMethod.Put, $"/api/v1/products/{name}", new { name, owner, tier = 3 }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls the silo's product list until it holds <paramref name="name"/> as <paramref name="expected"/> says; fails after <see cref="PropagationBound"/>.</summary>
    private static async Task<JsonElement> WaitForProductAsync(SiloHost silo, string name, Func<JsonElement, bool> expected)
    {
        var deadline = DateTime.UtcNow + PropagationBound;
        while (true)
        {
            var products = await silo.GetAsync<JsonElement>("/api/v1/products");
            foreach (var product in products.EnumerateArray())
            {
                if (product.GetProperty("name").GetString() == name && expected(product))
                {
                    return product;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"product '{name}' did not reach the silo at {silo.Client.BaseAddress} within {PropagationBound.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    private string NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("ops-catalog-cluster-").FullName;
        _directories.Add(directory);
        return directory;
    }
}
