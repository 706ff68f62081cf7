using Ops.Cli.Tests.Harness;
using Ops.Silo.Testing;

namespace Ops.Cli.Tests;

/// <summary>The loop walked with opsctl alone: three pages resolved with the same fix, then the promotion approved.</summary>
[Collection(SiloCollection.Name)]
public sealed class RuleOfThreeTests(CliSilo silo)
{
    [Fact]
    public async Task Three_equal_fixes_resolved_with_opsctl_propose_a_runbook_that_opsctl_approves()
    {
        var opsctl = silo.Opsctl("amara");
        for (var i = 1; i <= 3; i++)
        {
            var id = await silo.OpenIncidentAsync("status", "StatusApiDown", instance: $"status-{i}");
            var resolve = await opsctl.RunAsync(
                "incidents", "resolve", id, "--kind", "http", "--target", $"{silo.Receiver.BaseUrl}/targets/status/restart?instance=status-{i}", "--param", "method=POST");
            Assert.True(resolve.ExitCode == 0, resolve.ToString());
            await silo.SignalAsync($$$"""{"product":"status","name":"StatusApiDown","status":"resolved","labels":{"instance":"status-{{{i}}}"}}""");
            await Eventually.HoldsAsync(
                () => silo.GetJsonAsync("/api/v1/products/status"),
                product => product["live"]!["symptoms"]!.AsArray().All(s => (string?)s!["status"] == "resolved"),
                $"symptom {i} to resolve");
        }

        var proposed = await Eventually.HoldsAsync(
            () => opsctl.JsonAsync("promotions", "list", "--product", "status", "--state", "proposed"),
            list => list.AsArray().Count > 0,
            "a proposed promotion");
        var promotion = proposed[0]!;
        Assert.Equal(3, promotion["incidents"]!.AsArray().Count);
        Assert.Equal("confirm-first", (string?)promotion["runbook"]!["mode"]);

        var approve = await opsctl.JsonAsync("promotions", "approve", "status", (string)promotion["promotionId"]!);

        Assert.Equal("approved", (string?)approve["state"]);
        Assert.Equal("amara", (string?)approve["decidedBy"]);
        var runbook = await opsctl.JsonAsync("runbooks", "show", (string)promotion["runbook"]!["name"]!, "--product", "status");
        Assert.Contains("{{label.instance}}", (string?)runbook["remediation"]![0]!["http"]!["url"], StringComparison.Ordinal);
    }
}
