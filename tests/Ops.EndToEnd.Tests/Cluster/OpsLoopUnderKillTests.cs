using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Ops.Silo.Testing;
using Xunit.Abstractions;

namespace Ops.EndToEnd.Tests.Cluster;

/// <summary>
/// The ops loop's promises across a SIGKILL: three real <c>Ops.Silo</c> processes on one PostgreSQL
/// database take a mix of signals through all three gateways while one of them is killed and then restarted:
/// a known failure on <c>web</c> that a runbook remediates (each instance sent three times: one occurrence, one run),
/// novel failures on three stand-alone products (several symptoms each: one contained incident per product within the
/// correlation window, its builder paged once), and symptoms of two dependents of the platform component <c>pg</c>,
/// whose own failure was reported first (they join its platform incident; their builders are informed once).
/// The oracle, once the inbox is applied: every signal answered 202 is stored and its symptom visible, one occurrence
/// per symptom, no incident, page or run twice, and each remediation and page done once in effect at the loopback
/// world (one distinct Idempotency-Key each; a redelivery with the same key is allowed). Requests that failed without
/// a clean answer are retried as in <see cref="SiloProcessKillTests"/>; a re-sent signal is a re-send of a firing
/// symptom, which changes nothing.
/// </summary>
public sealed class OpsLoopUnderKillTests(ITestOutputHelper output)
{
    private const int KillAfter = 70;
    private const int Workers = 6;
    private const int Victim = 1;
    private const int WebInstances = 40;
    private const int WebResends = 3;
    private const int NovelCases = 8;
    private const int DependentCases = 5;
    private static readonly string[] Standalone = ["alpha", "beta", "gamma"];
    private static readonly string[] Dependents = ["store", "cart"];
    private static readonly SentSignal PgFailure = new("pg", "PgConnectionsExhausted", "pool", "main", "critical");

    [SkippableFact]
    public async Task Killing_a_silo_process_under_load_loses_no_signal_and_duplicates_no_incident_page_or_run()
    {
        await using var run = await ClusterRun.StartAsync("ops-loopkill-", Portfolio, output);
        var (cluster, world, total) = (run.Cluster, run.World, run.Total);
        try
        {
            var accepted = new ConcurrentDictionary<int, string>();
            var ambiguous = new ConcurrentDictionary<int, byte>();
            var load = Load();

            // The platform component fails first: its incident is open before any dependent's symptom arrives, so
            // every dependent joins it (correlation's step 3) whatever the order of the load.
            var pg = await ClusterSignals.SendUntilAcceptedAsync(cluster, -1, Body(PgFailure), ambiguous);
            await Eventually.HoldsAsync(
                async () => (await GetJsonAsync(cluster, 0, "/api/v1/incidents")).AsArray().Count,
                count => count == 1,
                "the platform incident of pg");
            output.WriteLine($"pg's platform incident open after {total.ElapsedMilliseconds} ms");

            // Load: signal i goes first to gateway i % 3; see SendUntilAcceptedAsync for retries and ambiguity.
            var next = -1;
            var killing = run.KillWhenAcceptedAsync(Victim, () => accepted.Count, KillAfter);
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < load.Count)
                {
                    accepted[i] = await ClusterSignals.SendUntilAcceptedAsync(cluster, i, Body(load[i]), ambiguous);
                }
            })).ToArray();

            await Task.WhenAll(workers);
            await killing;
            output.WriteLine($"{accepted.Count} signals accepted after {total.ElapsedMilliseconds} ms ({ambiguous.Count} ambiguous)");
            Assert.Equal(load.Count, accepted.Count);

            await run.RestartAsync(Victim);

            // Every accepted signal is stored once, everything stored is applied, nothing parked.
            await using var connection = new NpgsqlConnection(run.ConnectionString);
            await connection.OpenAsync();
            var stored = (await ClusterSignals.StoredAsync(connection, cluster.ClusterId, "n")).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (n, id) in accepted.Append(new KeyValuePair<int, string>(-1, pg)))
            {
                Assert.True(stored.GetValueOrDefault(id) == 1, $"signal {n} (id {id}) is in the inbox {stored.GetValueOrDefault(id)} times");
            }

            var unapplied = await ClusterDatabase.WaitAllAppliedAsync(connection, cluster.ClusterId, TimeSpan.FromSeconds(30));
            output.WriteLine($"inbox applied ({unapplied} left) after {total.ElapsedMilliseconds} ms");
            Assert.Equal(0, unapplied);
            Assert.Equal(0, await ClusterDatabase.ParkedAsync(connection, cluster.ClusterId));

            // Effects at the outside world first, before any API call activates a grain (an activation resumes
            // interrupted work: a query must not be what makes a page or a run happen).
            var web = load.Where(s => s.Product == "web").Select(s => s.Value).Distinct().ToList();
            var expectedActions = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["/targets/web/restart"] = web.Count,
                ["/notify/architects"] = 1,
                ["/notify/platform-team"] = 1,
                ["/notify/web-team"] = 0,
            };
            foreach (var product in Standalone.Concat(Dependents))
            {
                expectedActions[$"/notify/{product}-team"] = 1;
            }

            await Eventually.HoldsAsync(
                () => Task.FromResult(expectedActions.Keys.ToDictionary(path => path, world.DistinctActions)),
                actions => expectedActions.All(e => actions[e.Key] >= e.Value),
                "every remediation and page to reach the loopback world");
            output.WriteLine($"effects complete after {total.ElapsedMilliseconds} ms: {world.All.Count} requests at the loopback world");

            // Every symptom sent is visible on its product, firing, opened once (a re-send is not a new occurrence).
            var symptoms = load.Prepend(PgFailure)
                .GroupBy(s => s.Product, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (g.First().Label, Values: g.Select(s => s.Value).Distinct().Order(StringComparer.Ordinal).ToList()), StringComparer.Ordinal);
            var gateway = 0;
            foreach (var (product, (label, values)) in symptoms)
            {
                var live = (await GetJsonAsync(cluster, gateway++, $"/api/v1/products/{product}"))["live"]!["symptoms"]!.AsArray();
                Assert.Equal(values, live.Select(s => s!["labels"]![label]?.GetValue<string>() ?? "(none)").Order(StringComparer.Ordinal));
                Assert.All(live, s => Assert.Equal(("firing", 1), (s!["status"]!.GetValue<string>(), s["occurrences"]!.GetValue<int>())));
            }

            // Runs: one per web instance, none recorded twice, each remediated once in effect.
            // A grain a query activates may still be finishing work it resumed (with the same keys): wait for that.
            var agent = await Eventually.HoldsAsync(
                () => GetJsonAsync(cluster, gateway++, "/api/v1/products/web/agent"),
                a => a["runs"]!.AsArray().All(r => r!["state"]!.GetValue<string>() != "running"),
                "web's runs to finish");
            var runs = agent["runs"]!.AsArray();
            Assert.Equal(web.Count, runs.Count);
            Assert.Equal(web.Count, runs.Select(r => r!["runId"]!.GetValue<string>()).Distinct().Count());
            Assert.Equal(web.Count, runs.Select(r => r!["occurrenceId"]!.GetValue<string>()).Distinct().Count());
            Assert.All(runs, r => Assert.Equal("verifying", r!["state"]!.GetValue<string>()));
            Assert.Equal(0, agent["escalations"]!.GetValue<int>());
            var runKeys = runs.SelectMany(r => r!["remediation"]!.AsArray().Select(step => step!["idempotencyKey"]!.GetValue<string>())).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(runKeys.Order(StringComparer.Ordinal), KeysAt(world, "/targets/web/restart"));

            // Incidents: one contained incident per stand-alone product, one platform incident for pg and its
            // dependents, none for web; each page recorded once and delivered with one key per channel.
            var incidents = (await GetJsonAsync(cluster, gateway++, "/api/v1/incidents")).AsArray();
            string[] expectedIncidents = ["alpha:product", "beta:product", "gamma:product", "pg:platform"];
            Assert.Equal(
                expectedIncidents,
                incidents.Select(i => $"{i!["rootProduct"]!.GetValue<string>()}:{i["blastRadius"]!.GetValue<string>()}").Order(StringComparer.Ordinal));
            var pageKeys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var summary in incidents)
            {
                var root = summary!["rootProduct"]!.GetValue<string>();
                var view = await Eventually.HoldsAsync(
                    () => GetJsonAsync(cluster, gateway++, $"/api/v1/incidents/{summary["incidentId"]!.GetValue<string>()}"),
                    v => v["pages"]!.AsArray().All(p => p!["deliveries"]!.AsArray().Count > 0),
                    $"the pages of {root}'s incident to be sent");
                Assert.Equal("open", view["summary"]!["state"]!.GetValue<string>());
                var attached = view["symptoms"]!.AsArray();
                var expectedSymptoms = root == "pg" ? symptoms["pg"].Values.Count + Dependents.Sum(d => symptoms[d].Values.Count) : symptoms[root].Values.Count;
                Assert.Equal(expectedSymptoms, attached.Count);
                Assert.Equal(expectedSymptoms, attached.Select(s => s!["occurrenceId"]!.GetValue<string>()).Distinct().Count());

                var pages = view["pages"]!.AsArray();
                var recipients = pages.Select(p => $"{p!["recipientKind"]!.GetValue<string>()}:{p["recipient"]!.GetValue<string>()}:{p["reason"]!.GetValue<string>()}").Order(StringComparer.Ordinal);
                string[] expectedPages = root == "pg"
                    ? ["builder:cart-team:informed", "builder:platform-team:informed", "builder:store-team:informed", "tier:architects:paged"]
                    : [$"builder:{root}-team:paged"];
                Assert.Equal(expectedPages, recipients);
                foreach (var delivery in pages.SelectMany(p => p!["deliveries"]!.AsArray()))
                {
                    Assert.True(delivery!["delivered"]!.GetValue<bool>(), $"undelivered page of {root}: {delivery.ToJsonString()}");
                    var path = new Uri(delivery["channel"]!.GetValue<string>()).AbsolutePath;
                    pageKeys.TryAdd(path, []);
                    pageKeys[path].Add(delivery["idempotencyKey"]!.GetValue<string>());
                }
            }

            foreach (var (path, expected) in expectedActions)
            {
                Assert.True(world.DistinctActions(path) == expected, $"{path}: {world.DistinctActions(path)} distinct actions, expected {expected}");
                if (path.StartsWith("/notify/", StringComparison.Ordinal))
                {
                    Assert.Equal(pageKeys.GetValueOrDefault(path, []).Order(StringComparer.Ordinal), KeysAt(world, path));
                }
            }

            var redelivered = world.All.GroupBy(r => $"{r.Path} {r.IdempotencyKey}").Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}");
            output.WriteLine($"oracle done after {total.ElapsedMilliseconds} ms: {runs.Count} runs, {incidents.Count} incidents, {world.All.Count} requests at the loopback world; redelivered with the same key: [{string.Join(", ", redelivered)}]");
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }

    /// <summary>
    /// The load, each kind spread evenly over it: web's instances three times in a row (re-sends race through
    /// different gateways), the stand-alone products' and the dependents' cases twice each.
    /// </summary>
    private static List<SentSignal> Load()
    {
        List<SentSignal>[] kinds =
        [
            [.. Enumerable.Range(0, WebInstances * WebResends).Select(j => new SentSignal("web", "WebDown", "instance", $"web-{j / WebResends}", "warning"))],
            [.. Enumerable.Range(0, Standalone.Length * NovelCases * 2).Select(j => new SentSignal(Standalone[j % Standalone.Length], "Broken", "case", $"c{j / (Standalone.Length * 2)}", "error"))],
            [.. Enumerable.Range(0, Dependents.Length * DependentCases * 2).Select(j => new SentSignal(Dependents[j % Dependents.Length], "Slow", "case", $"c{j / (Dependents.Length * 2)}", "error"))],
        ];
        return [.. kinds
            .SelectMany((kind, k) => kind.Select((signal, j) => (Signal: signal, At: (j + 0.5) / kind.Count, Kind: k)))
            .OrderBy(s => s.At)
            .ThenBy(s => s.Kind)
            .Select(s => s.Signal)];
    }

    private static string Body(SentSignal signal) => JsonSerializer.Serialize(new
    {
        product = signal.Product,
        name = signal.Name,
        severity = signal.Severity,
        labels = new Dictionary<string, string> { [signal.Label] = signal.Value },
    });

    /// <summary>GET through gateway <paramref name="gateway"/> % 3, moving to the next one on a refusal or a 503 / 504.</summary>
    private static async Task<JsonNode> GetJsonAsync(ClusterProcesses cluster, int gateway, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var attempt = 0; ; attempt++)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"GET {path} never answered 200");
            }

            var silo = cluster[(gateway + attempt) % cluster.Count];
            if (silo is not null && !silo.HasExited)
            {
                try
                {
                    using var response = await silo.Client.GetAsync(new Uri(path, UriKind.Relative));
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        return JsonNode.Parse(text)!;
                    }

                    Assert.True((int)response.StatusCode is 503 or 504, $"GET {path}: {(int)response.StatusCode} {text}");
                }
                catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConnectionError)
                {
                }
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The distinct Idempotency-Key values <paramref name="path"/> received, sorted.</summary>
    private static IEnumerable<string> KeysAt(LoopbackWorld world, string path) =>
        world.Received(path).Select(r => r.IdempotencyKey ?? "(none)").Distinct().Order(StringComparer.Ordinal);

    /// <summary>
    /// Each product has its own builder (so each builder's pages are one product's); <c>web</c> has a runbook that
    /// remediates <c>WebDown</c> with no guard rail in reach; <c>pg</c> is a platform component of <c>store</c> and
    /// <c>cart</c>; <c>alpha</c>, <c>beta</c>, <c>gamma</c> stand alone. Every channel and target is the loopback world.
    /// </summary>
    private static Portfolio Portfolio(string world) => new(
        People: string.Join("---\n", new[] { "web", "platform" }.Concat(Standalone).Concat(Dependents).Select(team => $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: {{team}}-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, url: "{{world}}/notify/{{team}}-team" }

            """)) + "---\n" + CatalogYaml.DefaultTier(world),
        Products: """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: pg }
            spec: { type: platform, owner: platform-team, tier: 1, value: 0 }
            ---

            """ + string.Join("---\n", new[] { "web" }.Concat(Standalone).Select(p => $$"""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: {{p}} }
            spec: { owner: {{p}}-team, tier: 2, value: 1000 }

            """).Concat(Dependents.Select(p => $$"""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: {{p}} }
            spec: { owner: {{p}}-team, tier: 2, dependsOn: [pg], value: 1000 }

            """))),
        Runbooks: $$"""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: web-restart }
            spec:
              product: web
              match: { labels: { alertname: WebDown } }
              remediation:
                - name: restart
                  http: { url: "{{world}}/targets/web/restart", method: POST }
                  timeout: 10s
              verification: { window: 10m }
              guardrails: { maxRunsPerHour: 1000, cooldown: 0s }
            """);

    private sealed record SentSignal(string Product, string Name, string Label, string Value, string Severity);
}
