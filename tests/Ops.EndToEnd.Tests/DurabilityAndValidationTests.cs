using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ops.EndToEnd.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests;

/// <summary>Accepted signals survive a kill; bad catalogs and bad payloads are refused with the place to fix.</summary>
public sealed class DurabilityAndValidationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ops-e2e-process-").FullName;
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Signals_accepted_before_a_kill_are_each_processed_once_after_restart_and_no_action_runs_twice()
    {
        var config = TestPortfolio.For(_world.BaseUrl).Write(_directory);
        var data = Path.Combine(_directory, "data");

        // First life: accept and store, but do not process (the kill lands between the 202 and the processing).
        await using (var silo = await SiloProcess.StartAsync(config, data, "--Inbox:Deliver", "false"))
        {
            for (var i = 0; i < 6; i++)
            {
                using var routine = await PostAsync(silo.Client, "/api/v2/alerts", JsonSerializer.Serialize(new[] { OpsSilo.Alert("search", "SearchLatencyHigh", instance: $"search-{i}") }));
                Assert.Equal(HttpStatusCode.OK, routine.StatusCode);
                using var novel = await PostAsync(silo.Client, "/api/v1/signals", JsonSerializer.Serialize(new { product = "blog", name = "BlogDown", severity = "error", labels = new { instance = $"blog-{i}" } }));
                Assert.Equal(HttpStatusCode.Accepted, novel.StatusCode);
            }

            await silo.KillAsync();
        }

        Assert.Empty(_world.All);

        // Second life: every accepted signal is processed.
        await using (var silo = await SiloProcess.StartAsync(config, data))
        {
            await Eventually.HoldsAsync(() => _world.Received("/notify/search-team").Count >= 1 && _world.DistinctActions("/targets/search/restart") == 6, "six restarts and the page", TimeSpan.FromSeconds(30));
            await Eventually.HoldsAsync(
                async () => (await silo.Client.GetFromJsonAsync<JsonNode>("/api/v1/products/blog"))!["live"]!["symptoms"]!.AsArray().Count,
                count => count == 6,
                "all six blog signals applied");
            await Task.Delay(1000);
            var search = (await silo.Client.GetFromJsonAsync<JsonNode>("/api/v1/products/search/agent"))!;
            Assert.Equal(6, search["runs"]!.AsArray().Count);
            Assert.Equal(6, _world.Received("/targets/search/restart").Count);
            var incidents = (await silo.Client.GetFromJsonAsync<JsonArray>("/api/v1/incidents"))!;
            Assert.Single(incidents);
            Assert.Single(_world.Received("/notify/search-team"));
            await silo.KillAsync();
        }

        // Third life: nothing is replayed a second time.
        await using (var silo = await SiloProcess.StartAsync(config, data))
        {
            await Task.Delay(2000);
            Assert.Equal(6, _world.Received("/targets/search/restart").Count);
            Assert.Single(_world.Received("/notify/search-team"));
        }
    }

    [Fact]
    public async Task A_catalog_with_a_broken_runbook_is_refused_with_file_line_and_field()
    {
        var config = TestPortfolio.For(_world.BaseUrl).Write(_directory);
        var runbook = Path.Combine(config, "runbooks", "broken.yaml");
        await File.WriteAllTextAsync(runbook, """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: blog-restart }
            spec:
              product: blog
              remediation:
                - name: restart
                  http: { url: "http://127.0.0.1:1/restart" }
                  timeout: soon
            """);

        var (exitCode, errors) = await SiloProcess.RunToExitAsync(config, Path.Combine(_directory, "data"));

        Assert.Equal(2, exitCode);
        Assert.Contains("broken.yaml:9:", errors, StringComparison.Ordinal);
        Assert.Contains("spec.remediation[0].timeout", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_payloads_of_every_format_get_a_problem_naming_the_field_and_nothing_is_stored()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        var cases = new (string Path, string Body, string Field)[]
        {
            ("/api/v1/ingest/alertmanager", """{"version":"4","status":"firing","alerts":[{"status":"sometimes","labels":{"alertname":"X","product":"blog"}}]}""", "alerts[0].status"),
            ("/api/v2/alerts", """[{"labels":{}}]""", "[0].labels"),
            ("/v2/enqueue", """{"routing_key":"R0UT1NGKEY0000000000000000000001","event_action":"explode","dedup_key":"x"}""", "event_action"),
            ("/v2/change/enqueue", """{"routing_key":"R0UT1NGKEY0000000000000000000001","payload":{}}""", "payload.summary"),
            ("/api/v1/signals", """{"product":"blog","layer":"sideways","name":"X"}""", "layer"),
            ("/api/v1/signals", """{"product":"blog",""", "$"),
        };

        foreach (var (path, body, field) in cases)
        {
            using var response = await silo.PostAsync(path, body);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(
                problem["errors"]?.AsObject().Any(e => e.Key.StartsWith(field, StringComparison.Ordinal)) == true || field == "$",
                $"{path}: expected a problem naming {field}, got {problem.ToJsonString()}");
        }

        await Task.Delay(500);
        var blog = await silo.GetJsonAsync("/api/v1/products/blog");
        Assert.Empty(blog["live"]!["symptoms"]!.AsArray());
        Assert.Equal(0, (await silo.GetJsonAsync("/api/v1/unrouted"))["total"]!.GetValue<long>());
        Assert.Empty((await silo.GetJsonAsync("/api/v1/products/checkout"))["live"]!["changes"]!.AsArray());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(path, content);
    }
}
