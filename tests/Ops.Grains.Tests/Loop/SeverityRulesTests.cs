using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Grains.Incidents;

namespace Ops.Grains.Tests.Loop;

public sealed class SeverityRulesTests
{
    [Theory]
    [InlineData(SeverityHint.Critical, 2, SignalLayer.Product, BlastRadius.Product, Severity.Sev1)]
    [InlineData(SeverityHint.Error, 2, SignalLayer.Product, BlastRadius.Product, Severity.Sev2)]
    [InlineData(SeverityHint.Warning, 2, SignalLayer.Product, BlastRadius.Product, Severity.Sev3)]
    [InlineData(SeverityHint.Error, 1, SignalLayer.Product, BlastRadius.Product, Severity.Sev1)]
    [InlineData(SeverityHint.Critical, 3, SignalLayer.Product, BlastRadius.Product, Severity.Sev2)]
    [InlineData(SeverityHint.Warning, 2, SignalLayer.Outcome, BlastRadius.Product, Severity.Sev2)]
    [InlineData(SeverityHint.Info, 3, SignalLayer.Product, BlastRadius.Platform, Severity.Sev2)]
    public void Severity_follows_the_hint_the_tier_the_outcome_layer_and_the_blast_radius(SeverityHint hint, int tier, SignalLayer layer, BlastRadius radius, Severity expected)
    {
        var occurrence = RuleOfThreeTests.Occurrence() with { Severity = hint, Layer = layer };
        Assert.Equal(expected, SeverityRules.Of(occurrence, new ProductSpec { Name = "blog", Owner = "t", Tier = tier }, radius));
    }
}
