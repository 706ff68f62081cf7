using Ops.Cli.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.Cli.Tests;

/// <summary><c>opsctl incidents</c> against a real silo: what a signal became, and the human actions on it.</summary>
[Collection(SiloCollection.Name)]
public sealed class IncidentsCommandTests(CliSilo silo)
{
    [Fact]
    public async Task A_signal_posted_to_the_gateway_becomes_an_incident_that_incidents_list_shows()
    {
        await silo.SignalAsync("""{"product":"blog","name":"BlogDown","severity":"error"}""");

        var opsctl = silo.Opsctl();
        var incidents = await Eventually.HoldsAsync(
            () => opsctl.JsonAsync("incidents", "list", "--product", "blog"),
            list => list.AsArray().Count > 0,
            "opsctl incidents list to show the blog incident");

        var incident = incidents[0]!;
        Assert.Equal("blog", (string?)incident["rootProduct"]);
        Assert.Equal("open", (string?)incident["state"]);
        Assert.StartsWith("inc-", (string?)incident["incidentId"], StringComparison.Ordinal);
        Assert.Contains("BlogDown", (string?)incident["title"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ack_records_the_actor_and_stops_the_escalation_clock()
    {
        var id = await silo.OpenIncidentAsync("wiki", "WikiDown");

        var ack = await silo.Opsctl("amara").RunAsync("incidents", "ack", id);

        Assert.True(ack.ExitCode == 0, ack.ToString());
        Assert.Contains($"Acknowledged {id}", ack.Stdout, StringComparison.Ordinal);
        var incident = await silo.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("acknowledged", (string?)incident["summary"]!["state"]);
        Assert.Equal("amara", (string?)incident["acknowledgedBy"]);
        Assert.Null(incident["ackDeadline"]);
    }

    [Fact]
    public async Task Note_adds_a_timeline_entry_with_the_text_and_the_actor()
    {
        var id = await silo.OpenIncidentAsync("calendar", "CalendarSyncStuck");

        var note = await silo.Opsctl("ken").RunAsync("incidents", "note", id, "pool at 98% on pg-primary");

        Assert.True(note.ExitCode == 0, note.ToString());
        var incident = await silo.Opsctl().JsonAsync("incidents", "show", id);
        var entry = incident["timeline"]!.AsArray().Single(e => (string?)e!["kind"] == "note")!;
        Assert.Equal("pool at 98% on pg-primary", (string?)entry["text"]);
        Assert.Equal("ken", (string?)entry["actor"]);
    }

    [Fact]
    public async Task Resolve_sends_the_structured_fix_and_resolves_the_incident()
    {
        var id = await silo.OpenIncidentAsync("docs", "DocsDown", instance: "docs-1");
        var target = $"{silo.Receiver.BaseUrl}/targets/docs/restart?instance=docs-1";

        var resolve = await silo.Opsctl("priya").RunAsync(
            "incidents", "resolve", id, "--kind", "http", "--target", target, "--param", "method=POST", "--param", "body={\"mode\":\"soft\"}", "--text", "restarted docs-1");

        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var incident = await silo.Opsctl().JsonAsync("incidents", "show", id);
        Assert.Equal("resolved", (string?)incident["summary"]!["state"]);
        Assert.Equal("priya", (string?)incident["resolvedBy"]);
        var fix = incident["fix"]!;
        Assert.Equal("http", (string?)fix["kind"]);
        Assert.Equal(target, (string?)fix["target"]);
        Assert.Equal("POST", (string?)fix["parameters"]!["method"]);
        Assert.Equal("{\"mode\":\"soft\"}", (string?)fix["parameters"]!["body"]);
        Assert.Equal("restarted docs-1", (string?)fix["text"]);
    }

    [Fact]
    public async Task Acknowledging_a_resolved_incident_exits_4_conflict()
    {
        var id = await silo.OpenIncidentAsync("forum", "ForumDown");
        var resolve = await silo.Opsctl().RunAsync("incidents", "resolve", id, "--kind", "manual", "--text", "restarted by hand");
        Assert.True(resolve.ExitCode == 0, resolve.ToString());

        var ack = await silo.Opsctl().RunAsync("incidents", "ack", id);

        Assert.Equal((int)ExitCode.Conflict, ack.ExitCode);
        Assert.Contains("409", ack.Stderr, StringComparison.Ordinal);
        Assert.Contains("resolved", ack.Stderr, StringComparison.Ordinal);
        Assert.Single(ack.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task An_unknown_incident_exits_3_not_found()
    {
        var show = await silo.Opsctl().RunAsync("incidents", "show", "inc-000000000000");

        Assert.Equal((int)ExitCode.NotFound, show.ExitCode);
        Assert.Contains("404", show.Stderr, StringComparison.Ordinal);
        Assert.Empty(show.Stdout);
    }

    [Fact]
    public async Task A_fix_the_gateway_refuses_exits_1_naming_the_field()
    {
        var id = await silo.OpenIncidentAsync("chat", "ChatSlow", severity: "warning");

        var resolve = await silo.Opsctl().RunAsync("incidents", "resolve", id, "--kind", "http");

        Assert.Equal((int)ExitCode.Invalid, resolve.ExitCode);
        Assert.Contains("400", resolve.Stderr, StringComparison.Ordinal);
        Assert.Contains("fix.target", resolve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_prints_the_timeline_and_each_page_with_its_delivery_as_plain_text()
    {
        var id = await silo.OpenIncidentAsync("photos", "PhotosCertExpiring", severity: "warning");
        var opsctl = silo.Opsctl();
        await Eventually.HoldsAsync(
            () => opsctl.JsonAsync("incidents", "show", id),
            incident => incident["pages"]!.AsArray().Any(p => p!["deliveries"]!.AsArray().Count > 0),
            "the page's delivery to be recorded");

        var show = await opsctl.RunAsync("incidents", "show", id);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(id, show.Stdout, StringComparison.Ordinal);
        Assert.Contains("Timeline", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("builder web-team paged", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("web-pages", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', show.Stdout);
    }

    [Fact]
    public async Task A_parameter_that_is_not_key_value_is_a_usage_error_that_sends_nothing()
    {
        var resolve = await silo.Opsctl().RunAsync("incidents", "resolve", "inc-000000000000", "--kind", "http", "--target", "http://x/", "--param", "method");

        Assert.Equal((int)ExitCode.Usage, resolve.ExitCode);
        Assert.Contains("key=value", resolve.Stderr, StringComparison.Ordinal);
    }
}
