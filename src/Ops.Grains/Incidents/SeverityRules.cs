using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;

namespace Ops.Grains.Incidents;

/// <summary>
/// Severity from rules. The sender's hint sets the base (critical → Sev1, error → Sev2, warning / info → Sev3);
/// a tier-1 product is one step worse and a tier-3 product one step milder; a symptom on the outcome layer (the
/// product's leadership metric out of range) is one step worse; a cross-product or platform incident is at least Sev2.
/// </summary>
public static class SeverityRules
{
    public static Severity Of(SymptomOccurrence occurrence, ProductSpec? product, BlastRadius radius)
    {
        var level = occurrence.Severity switch
        {
            SeverityHint.Critical => 1,
            SeverityHint.Error => 2,
            _ => 3,
        };
        level += product?.Tier switch
        {
            1 => -1,
            3 => 1,
            _ => 0,
        };
        if (occurrence.Layer == SignalLayer.Outcome)
        {
            level--;
        }

        if (radius != BlastRadius.Product)
        {
            level = Math.Min(level, 2);
        }

        return (Severity)Math.Clamp(level, 1, 3);
    }
}
