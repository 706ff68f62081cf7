using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>Product rules.</summary>
public static partial class CatalogValidator
{
    private static void CheckProduct(Check check, ProductSpec product)
    {
        var at = product.DeclaredAt;
        CheckName(check, product, product.Name, at);
        if (product.Tier is < 1 or > 3)
        {
            check.Report(product, at, "spec.tier", $"expected 1 (most critical), 2 or 3; found {product.Tier}");
        }

        if (product.Value < 0)
        {
            check.Report(product, at, "spec.value", $"must not be negative; found {product.Value}");
        }

        if (product.Outcome is { } outcome)
        {
            if (string.IsNullOrWhiteSpace(outcome.Metric))
            {
                check.Report(product, at, "spec.outcome.metric", "is required");
            }

            if (outcome is { Min: { } min, Max: { } max } && min > max)
            {
                check.Report(product, at, "spec.outcome.max", $"must be at least min ({min}); found {max}");
            }
        }

        if (product.Rollback is { } rollback)
        {
            CheckHttp(check, product, at, "spec.rollback", rollback);
        }

        for (var i = 0; i < product.RoutingKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(product.RoutingKeys[i]))
            {
                check.Report(product, at, $"spec.routingKeys[{i}]", "must not be empty");
            }
        }

        for (var i = 0; i < product.Aliases.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(product.Aliases[i]))
            {
                check.Report(product, at, $"spec.aliases[{i}]", "must not be empty");
            }
        }

        if (string.IsNullOrWhiteSpace(product.Owner))
        {
            check.Report(product, at, "spec.owner", "is required");
        }
        else if (check.CrossEntity && !check.Snapshot.Builders.ContainsKey(product.Owner))
        {
            check.Report(product, at, "spec.owner", $"unknown builder '{product.Owner}' ({Known(check.Snapshot.Builders.Keys, "builders")})");
        }

        if (!check.CrossEntity)
        {
            return;
        }

        for (var i = 0; i < product.DependsOn.Count; i++)
        {
            var dependency = product.DependsOn[i];
            if (dependency != product.Name && !check.Snapshot.Products.ContainsKey(dependency))
            {
                check.Report(product, at, $"spec.dependsOn[{i}]", $"unknown product '{dependency}' ({Known(check.Snapshot.Products.Keys, "products")})");
            }
        }

        if (product.EscalationTier is { } tier && !check.Snapshot.Tiers.ContainsKey(tier))
        {
            check.Report(product, at, "spec.escalationTier", $"unknown escalation tier '{tier}' ({Known(check.Snapshot.Tiers.Keys, "tiers")})");
        }
    }

    /// <summary>A routing key or an alias must lead to one product, or signals would be routed at random.</summary>
    private static void CheckRouting(Check check)
    {
        var routingKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var product in check.Snapshot.Products.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            for (var i = 0; i < product.RoutingKeys.Count; i++)
            {
                if (!routingKeys.TryAdd(product.RoutingKeys[i], product.Name) && routingKeys[product.RoutingKeys[i]] != product.Name)
                {
                    check.Report(product, product.DeclaredAt, $"spec.routingKeys[{i}]", $"routing key '{product.RoutingKeys[i]}' already routes to product '{routingKeys[product.RoutingKeys[i]]}'");
                }
            }

            for (var i = 0; i < product.Aliases.Count; i++)
            {
                var alias = product.Aliases[i];
                if (alias != product.Name && check.Snapshot.Products.ContainsKey(alias))
                {
                    check.Report(product, product.DeclaredAt, $"spec.aliases[{i}]", $"alias '{alias}' is the name of another product");
                }
                else if (!aliases.TryAdd(alias, product.Name) && aliases[alias] != product.Name)
                {
                    check.Report(product, product.DeclaredAt, $"spec.aliases[{i}]", $"alias '{alias}' is already an alias of product '{aliases[alias]}'");
                }
            }
        }
    }

    /// <summary>Every cycle in dependsOn, reported once, at the edge that closes it.</summary>
    private static void CheckDependencyCycles(Check check)
    {
        var products = check.Snapshot.Products;
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the current path, true = done
        var path = new List<string>();

        void Visit(ProductSpec product)
        {
            state[product.Name] = false;
            path.Add(product.Name);
            for (var i = 0; i < product.DependsOn.Count; i++)
            {
                var next = product.DependsOn[i];
                if (!state.TryGetValue(next, out var done))
                {
                    if (products.TryGetValue(next, out var dependency))
                    {
                        Visit(dependency);
                    }
                }
                else if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(next)).Append(next);
                    check.Report(product, product.DeclaredAt, $"spec.dependsOn[{i}]", $"dependency cycle: {string.Join(" → ", cycle)}");
                }
            }

            path.RemoveAt(path.Count - 1);
            state[product.Name] = true;
        }

        foreach (var product in products.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (!state.ContainsKey(product.Name))
            {
                Visit(product);
            }
        }
    }
}
