using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Grains.Agents;

namespace Ops.Grains.Tests.Loop;

public sealed class RuleOfThreeTests
{
    private static readonly string[] Volatile = ["instance", "pod"];

    [Fact]
    public void Fixes_that_differ_only_in_volatile_label_values_have_one_signature_and_one_symptom_class()
    {
        var first = Occurrence(("alertname", "BlogDown"), ("instance", "blog-1:9100"));
        var second = Occurrence(("alertname", "BlogDown"), ("instance", "blog-2:9100"));
        var fix1 = new StructuredFix { Kind = "http", Target = "http://ops/restart/blog-1:9100", Parameters = new Dictionary<string, string> { ["reason"] = "blog-1:9100 hung" } };
        var fix2 = new StructuredFix { Kind = "http", Target = "http://ops/restart/blog-2:9100", Parameters = new Dictionary<string, string> { ["reason"] = "blog-2:9100 hung" } };

        var templated1 = RuleOfThree.Templatize(fix1, first, Volatile);
        var templated2 = RuleOfThree.Templatize(fix2, second, Volatile);

        Assert.Equal("http://ops/restart/{{label.instance}}", templated1.Target);
        Assert.Equal(RuleOfThree.Signature(templated1), RuleOfThree.Signature(templated2));
        Assert.Equal(RuleOfThree.SymptomClass(first, Volatile).Key, RuleOfThree.SymptomClass(second, Volatile).Key);
    }

    [Fact]
    public void Only_whole_tokens_of_two_or_more_characters_are_templated()
    {
        var shortValue = Occurrence(("alertname", "BlogDown"), ("instance", "1"));
        var fix = new StructuredFix { Kind = "http", Target = "http://127.0.0.1:8080/restart/1" };
        Assert.Equal(fix.Target, RuleOfThree.Templatize(fix, shortValue, Volatile).Target);

        var token = Occurrence(("alertname", "BlogDown"), ("instance", "blog-1"));
        var both = new StructuredFix { Kind = "http", Target = "http://ops/restart/blog-1?also=blog-10" };
        Assert.Equal("http://ops/restart/{{label.instance}}?also=blog-10", RuleOfThree.Templatize(both, token, Volatile).Target);
    }

    [Fact]
    public void Different_targets_or_parameters_are_different_fixes()
    {
        var occurrence = Occurrence(("alertname", "BlogDown"));
        var restart = RuleOfThree.Signature(RuleOfThree.Templatize(new StructuredFix { Kind = "http", Target = "http://ops/restart" }, occurrence, Volatile));
        var scale = RuleOfThree.Signature(RuleOfThree.Templatize(new StructuredFix { Kind = "http", Target = "http://ops/scale" }, occurrence, Volatile));
        var restartHard = RuleOfThree.Signature(RuleOfThree.Templatize(new StructuredFix { Kind = "http", Target = "http://ops/restart", Parameters = new Dictionary<string, string> { ["mode"] = "hard" } }, occurrence, Volatile));

        Assert.NotEqual(restart, scale);
        Assert.NotEqual(restart, restartHard);
    }

    [Fact]
    public void A_promoted_fix_becomes_a_runbook_step_and_a_manual_one_does_not()
    {
        var http = RuleOfThree.ToStep(new StructuredFix { Kind = "http", Target = "http://ops/restart/{{label.instance}}", Parameters = new Dictionary<string, string> { ["method"] = "put" } });
        var command = RuleOfThree.ToStep(new StructuredFix { Kind = "command", Target = "restart-blog", Parameters = new Dictionary<string, string> { ["b"] = "--now", ["a"] = "blog" } });

        Assert.Equal(StepKind.Http, http!.Kind);
        Assert.Equal("PUT", http.Http!.Method);
        Assert.Equal(["blog", "--now"], command!.Arguments);
        Assert.Equal(StepKind.Rollback, RuleOfThree.ToStep(new StructuredFix { Kind = "rollback" })!.Kind);
        Assert.Null(RuleOfThree.ToStep(new StructuredFix { Kind = "manual", Text = "poked it" }));
    }

    internal static SymptomOccurrence Occurrence(params (string Name, string Value)[] labels) => new()
    {
        OccurrenceId = "blog/f/1",
        Product = "blog",
        Fingerprint = "f",
        Layer = SignalLayer.Product,
        Severity = SeverityHint.Error,
        Labels = labels.ToDictionary(l => l.Name, l => l.Value),
    };
}
