using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;
using Ops.Grains.Agents;

namespace Ops.Grains.Tests.Loop;

public sealed class RunbookMatcherTests
{
    [Fact]
    public void Labels_are_matched_exactly_or_by_glob_and_every_matcher_must_hold()
    {
        var occurrence = RuleOfThreeTests.Occurrence(("alertname", "SearchLatencyHigh"), ("instance", "search-7:9100"));
        Assert.True(RunbookMatcher.Matches(Runbook(new() { ["alertname"] = "SearchLatencyHigh" }), occurrence));
        Assert.True(RunbookMatcher.Matches(Runbook(new() { ["alertname"] = "Search*", ["instance"] = "search-?:*" }), occurrence));
        Assert.False(RunbookMatcher.Matches(Runbook(new() { ["alertname"] = "Search" }), occurrence));
        Assert.False(RunbookMatcher.Matches(Runbook(new() { ["alertname"] = "SearchLatencyHigh", ["zone"] = "*" }), occurrence));
    }

    [Fact]
    public void Layer_severity_and_fingerprint_narrow_the_match()
    {
        var occurrence = RuleOfThreeTests.Occurrence(("alertname", "X"));
        Assert.False(RunbookMatcher.Matches(Runbook([]) with { Match = new RunbookMatch { Layer = SignalLayer.Machinery } }, occurrence));
        Assert.False(RunbookMatcher.Matches(Runbook([]) with { Match = new RunbookMatch { Severities = [SeverityHint.Critical] } }, occurrence));
        Assert.True(RunbookMatcher.Matches(Runbook([]) with { Match = new RunbookMatch { Severities = [SeverityHint.Error], Fingerprint = "f*" } }, occurrence));
    }

    [Fact]
    public void More_label_matchers_are_more_specific()
    {
        Assert.True(RunbookMatcher.Specificity(Runbook(new() { ["a"] = "1", ["b"] = "2" })) > RunbookMatcher.Specificity(Runbook(new() { ["a"] = "1" })));
    }

    private static RunbookSpec Runbook(Dictionary<string, string> labels) =>
        new() { Name = "r", Product = "blog", Match = new RunbookMatch { Labels = labels } };
}
