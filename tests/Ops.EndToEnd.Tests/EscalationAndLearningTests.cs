using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Ops.EndToEnd.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests;

/// <summary>Ack deadlines on a manual clock, and the rule of three turning human fixes into a runbook.</summary>
public sealed class EscalationAndLearningTests : IAsyncLifetime
{
    private LoopbackWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoopbackWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_missed_ack_deadline_escalates_step_by_step_and_an_acknowledgement_stops_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestPortfolio.StartSiloAsync(_world, clock);
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "warning", endsAt: clock.GetUtcNow().AddHours(12)));
        var incident = await Eventually.HoldsAsync(() => silo.IncidentsAsync(), list => list.Count == 1, "blog's incident");
        var id = incident[0]!["incidentId"]!.GetValue<string>();
        Assert.Equal("sev3", incident[0]!["severity"]!.GetValue<string>());
        await Eventually.HoldsAsync(() => _world.Received("/notify/search-team").Count == 1, "search-team paged");

        // Sev3: four hours to acknowledge. Just before the deadline nothing happens.
        clock.Advance(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(1));
        await Task.Delay(1000);
        Assert.Empty(_world.Received("/notify/architects"));

        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(() => _world.Received("/notify/architects").Count == 1, "the default tier (architects) to be paged after the missed deadline");
        var view = await silo.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal(1, view["escalationStep"]!.GetValue<int>());
        Assert.Contains(view["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "escalated");

        clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(() => _world.Received("/notify/cto").Count == 1, "the architects' next tier (cto) to be paged");

        await silo.PostActionAsync($"/api/v1/incidents/{id}/acknowledge", new { actor = "grace" });
        clock.Advance(TimeSpan.FromHours(9));
        await Task.Delay(1000);
        view = await silo.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("acknowledged", view["summary"]!["state"]!.GetValue<string>());
        Assert.Equal("grace", view["acknowledgedBy"]!.GetValue<string>());
        Assert.Equal(3, view["pages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Three_equivalent_resolutions_propose_a_runbook_and_after_approval_the_next_occurrence_is_remediated_without_a_page()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world, null, "--Loop:PromotedCooldown", "00:00:00");
        for (var n = 1; n <= 3; n++)
        {
            var instance = $"blog-{n}";
            await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: instance));
            var incident = await Eventually.HoldsAsync(
                () => silo.IncidentsAsync("state=open"),
                list => list.Count == 1,
                $"incident {n}");
            var id = incident[0]!["incidentId"]!.GetValue<string>();
            await silo.PostActionAsync($"/api/v1/incidents/{id}/acknowledge", new { actor = "li" });
            await silo.PostActionAsync($"/api/v1/incidents/{id}/notes", new { actor = "li", text = "restarting the pod fixed it" });
            await silo.PostActionAsync($"/api/v1/incidents/{id}/resolve", new
            {
                actor = "li",
                fix = new { kind = "http", target = $"{_world.BaseUrl}/targets/blog/restart/{instance}", parameters = new { method = "POST" }, text = "restarted " + instance },
            });
            await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: instance, endsAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
            await Eventually.HoldsAsync(
                async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/incidents/correlation")).Count,
                open => open == 0,
                "correlation to close the incident");
        }

        var promotion = await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions?product=blog")).FirstOrDefault(),
            p => p is not null,
            "the rule of three to propose a runbook");
        Assert.Equal("proposed", promotion!["state"]!.GetValue<string>());
        Assert.Equal(3, promotion["incidents"]!.AsArray().Count);
        var remediation = promotion["runbook"]!["remediation"]![0]!;
        Assert.Equal($"{_world.BaseUrl}/targets/blog/restart/{{{{label.instance}}}}", remediation["http"]!["url"]!.GetValue<string>());
        var pagesBefore = _world.Received("/notify/search-team").Count(r => r.Body.Contains("\"paged\"", StringComparison.Ordinal));

        // Approve: the runbook is active in confirm-first mode; the next occurrence proposes a run and asks the owner.
        await silo.PostActionAsync($"/api/v1/products/blog/promotions/{promotion["promotionId"]}/approve", new { actor = "li" });
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-4"));
        var proposed = await Eventually.HoldsAsync(
            async () => (await silo.AgentAsync("blog"))["runs"]!.AsArray().FirstOrDefault(),
            r => r?["state"]?.GetValue<string>() == "awaiting-approval",
            "a run proposed to the owner");
        await silo.PostActionAsync($"/api/v1/products/blog/runs/{proposed!["runId"]}/approve", new { actor = "li" });

        Assert.Single(_world.Received("/targets/blog/restart/blog-4"));
        var run = (await silo.AgentAsync("blog"))["runs"]![0]!;
        Assert.Equal("verifying", run["state"]!.GetValue<string>());
        Assert.Empty(await silo.IncidentsAsync("state=open"));
        Assert.Equal(pagesBefore, _world.Received("/notify/search-team").Count(r => r.Body.Contains("\"paged\"", StringComparison.Ordinal)));

        // After the configured number of approved successful runs (2), the promotion runs on its own.
        await ResolveAlertAsync(silo, "blog-4");
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-5"));
        proposed = await Eventually.HoldsAsync(
            async () => (await silo.AgentAsync("blog"))["runs"]!.AsArray().FirstOrDefault(),
            r => r?["state"]?.GetValue<string>() == "awaiting-approval",
            "the second run proposed to the owner");
        await silo.PostActionAsync($"/api/v1/products/blog/runs/{proposed!["runId"]}/approve", new { actor = "li" });
        await ResolveAlertAsync(silo, "blog-5");
        var promoted = await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions?product=blog"))[0]!,
            p => p["state"]!.GetValue<string>() == "promoted",
            "two approved successful runs to make the promotion automatic");
        Assert.Equal(2, promoted["successfulApprovedRuns"]!.GetValue<int>());

        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-6"));
        await Eventually.HoldsAsync(() => _world.Received("/targets/blog/restart/blog-6").Count == 1, "the automatic run");
        Assert.Empty(await silo.IncidentsAsync("state=open"));
    }

    [Fact]
    public async Task Guard_rails_stop_a_runbook_that_ran_too_often_and_the_symptom_escalates_instead()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world);
        for (var i = 0; i < 11; i++)
        {
            await silo.SendAlertsAsync(OpsSilo.Alert("search", "SearchLatencyHigh", instance: $"search-{i}"));
        }

        var incident = await Eventually.HoldsAsync(() => silo.IncidentsAsync(), list => list.Count == 1, "the eleventh occurrence to escalate");
        var view = await silo.GetJsonAsync($"/api/v1/incidents/{incident[0]!["incidentId"]}");
        Assert.Equal("guard-rail", view["reason"]!.GetValue<string>());
        Assert.Equal(10, _world.Received("/targets/search/restart").Count);
    }

    private static async Task ResolveAlertAsync(OpsSilo silo, string instance)
    {
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: instance, endsAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        await Eventually.HoldsAsync(
            async () => (await silo.AgentAsync("blog"))["runs"]![0]!["state"]!.GetValue<string>(),
            state => state == "verified",
            $"the run for {instance} to verify");
    }

    [Fact]
    public async Task Promoting_at_once_makes_the_next_occurrence_remediate_automatically()
    {
        await using var silo = await TestPortfolio.StartSiloAsync(_world, null, "--Loop:PromotionThreshold", "1");
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1"));
        var incident = await Eventually.HoldsAsync(() => silo.IncidentsAsync("state=open"), list => list.Count == 1, "the incident");
        await silo.PostActionAsync($"/api/v1/incidents/{incident[0]!["incidentId"]}/resolve", new
        {
            actor = "li",
            fix = new { kind = "http", target = $"{_world.BaseUrl}/targets/blog/restart/blog-1" },
        });
        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-1", endsAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        var promotion = await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/promotions?product=blog")).FirstOrDefault(),
            p => p is not null,
            "the promotion");
        await silo.PostActionAsync($"/api/v1/products/blog/promotions/{promotion!["promotionId"]}/promote", new { actor = "li" });
        await Eventually.HoldsAsync(
            async () => ((JsonArray)await silo.GetJsonAsync("/api/v1/incidents/correlation")).Count,
            open => open == 0,
            "correlation to close the incident");

        await silo.SendAlertsAsync(OpsSilo.Alert("blog", "BlogDown", "error", instance: "blog-7"));

        await Eventually.HoldsAsync(() => _world.Received("/targets/blog/restart/blog-7").Count == 1, "the promoted runbook to run on its own");
        Assert.Empty(await silo.IncidentsAsync("state=open"));
    }
}
