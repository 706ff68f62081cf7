using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ops.Runtime.Storage;

namespace Ops.Silo.Tests;

public sealed class SiloHostTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ops-silo-").FullName;

    [Fact]
    public async Task The_sample_grain_is_served_over_http_and_keeps_its_state_across_a_restart()
    {
        await using (var silo = await SiloHost.StartAsync(_dataDirectory))
        {
            var added = await silo.Client.PostAsync("/api/v1/sample/counters/demo/add?amount=5", null);
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            var enqueued = await silo.Client.PostAsync("/api/v1/sample/counters/demo/events?amount=2", null);
            Assert.Equal(HttpStatusCode.Accepted, enqueued.StatusCode);
            await WaitForValueAsync(silo, 7);
        }

        await using var restarted = await SiloHost.StartAsync(_dataDirectory);
        Assert.Equal(7, (await restarted.GetAsync<JsonElement>("/api/v1/sample/counters/demo")).GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task Live_and_ready_health_report_the_silo_serving_its_partitions()
    {
        await using var silo = await SiloHost.StartAsync(_dataDirectory);

        var live = await silo.Client.GetAsync("/health/live");
        var ready = await silo.Client.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        var runtime = ready.GetProperty("checks").GetProperty("ops-runtime");
        Assert.Equal(64, runtime.GetProperty("data").GetProperty("servingPartitions").GetInt32());
    }

    [Fact]
    public async Task A_second_silo_on_the_same_data_directory_refuses_to_serve()
    {
        await using var first = await SiloHost.StartAsync(_dataDirectory);

        var refused = await Assert.ThrowsAsync<StoreInUseException>(() => SiloHost.StartAsync(_dataDirectory));

        Assert.Contains(Path.Combine(_dataDirectory, "ops.db"), refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_malformed_request_gets_a_problem_body()
    {
        await using var silo = await SiloHost.StartAsync(_dataDirectory);

        var response = await silo.Client.PostAsync("/api/v1/sample/counters/demo/add?amount=lots", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static async Task WaitForValueAsync(SiloHost silo, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await silo.GetAsync<JsonElement>("/api/v1/sample/counters/demo")).GetProperty("value").GetInt64() != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the counter did not reach {expected}");
            await Task.Delay(20);
        }
    }
}
