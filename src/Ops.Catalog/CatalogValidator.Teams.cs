using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>Builder and escalation tier rules.</summary>
public static partial class CatalogValidator
{
    private static void CheckBuilder(Check check, BuilderSpec builder)
    {
        var at = builder.DeclaredAt;
        CheckName(check, builder, builder.Name, at);
        if (!double.IsFinite(builder.Capacity) || builder.Capacity <= 0)
        {
            check.Report(builder, at, "spec.capacity", $"must be greater than 0; found {builder.Capacity}");
        }

        CheckMembers(check, builder, at, builder.Members);
        CheckChannels(check, builder, at, builder.Channels);
        if (check.CrossEntity && builder.EscalatesTo is { } tier && !check.Snapshot.Tiers.ContainsKey(tier))
        {
            check.Report(builder, at, "spec.escalatesTo", $"unknown escalation tier '{tier}' ({Known(check.Snapshot.Tiers.Keys, "tiers")})");
        }
    }

    private static void CheckTier(Check check, EscalationTierSpec tier)
    {
        var at = tier.DeclaredAt;
        CheckName(check, tier, tier.Name, at);
        CheckMembers(check, tier, at, tier.Members);
        CheckChannels(check, tier, at, tier.Channels);
        if (!check.CrossEntity || tier.Next is not { } next)
        {
            return;
        }

        if (next == tier.Name)
        {
            check.Report(tier, at, "spec.next", "a tier cannot escalate to itself");
        }
        else if (!check.Snapshot.Tiers.ContainsKey(next))
        {
            check.Report(tier, at, "spec.next", $"unknown escalation tier '{next}' ({Known(check.Snapshot.Tiers.Keys, "tiers")})");
        }
    }

    /// <summary>A chain of <c>next</c> must end; a loop is reported once, at the tier (first by name) whose next closes it.</summary>
    private static void CheckEscalationLoops(Check check)
    {
        var tiers = check.Snapshot.Tiers;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in tiers.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var chain = new List<string> { start.Name };
            for (var current = start; current.Next is { } next && next != current.Name && tiers.TryGetValue(next, out var following); current = following)
            {
                var seenAt = chain.IndexOf(next);
                if (seenAt >= 0)
                {
                    var loop = chain.Skip(seenAt).ToList();
                    if (loop.All(reported.Add))
                    {
                        var closing = tiers[loop[^1]];
                        check.Report(closing, closing.DeclaredAt, "spec.next", $"escalation loop: {string.Join(" → ", loop.Append(next))}");
                    }

                    break;
                }

                chain.Add(next);
            }
        }
    }

    private static void CheckDefaultTier(Check check)
    {
        var defaults = check.Snapshot.Tiers.Values.Where(t => t.Default).ToList();
        foreach (var extra in defaults.Skip(1))
        {
            var first = check.Locate(defaults[0], defaults[0].DeclaredAt, "spec.default");
            check.Report(extra, extra.DeclaredAt, "spec.default", $"only one tier can be the default; '{defaults[0].Name}' already is ({first.File}:{first.Line})");
        }
    }
}
