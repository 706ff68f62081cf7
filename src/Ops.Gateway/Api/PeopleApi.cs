using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Runtime;

namespace Ops.Gateway.Api;

/// <summary><c>/api/v1/builders</c>, <c>/api/v1/tiers</c>, <c>/api/v1/capacity</c>: who is paged, and how loaded they are.</summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApiV1(this IEndpointRouteBuilder routes)
    {
        var builders = routes.MapGroup("/api/v1/builders").WithTags("Builders");
        builders.MapGet("/", ListBuildersAsync);
        builders.MapGet("/{name}", GetBuilderAsync);
        builders.MapPost("/{name}/toil", RecordToilAsync);
        var tiers = routes.MapGroup("/api/v1/tiers").WithTags("Escalation tiers");
        tiers.MapGet("/", ListTiersAsync);
        tiers.MapGet("/{name}", GetTierAsync);
        routes.MapGet("/api/v1/capacity", CapacityAsync).WithTags("Builders");
        return routes;
    }

    private static async Task<Ok<List<BuilderDocument>>> ListBuildersAsync(ICatalogView catalog, IGrainFactory grains)
    {
        var result = new List<BuilderDocument>();
        foreach (var builder in catalog.Current.Builders.Values.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            result.Add(new BuilderDocument(builder, await grains.GetGrain<IBuilderGrain>(builder.Name).Get()));
        }

        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<BuilderDocument>, NotFound>> GetBuilderAsync(string name, ICatalogView catalog, IGrainFactory grains) =>
        catalog.Current.Builders.TryGetValue(name, out var builder)
            ? TypedResults.Ok(new BuilderDocument(builder, await grains.GetGrain<IBuilderGrain>(name).Get()))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<PagerView>, NotFound>> RecordToilAsync(string name, ToilRequest body, HttpContext context, ICatalogView catalog, IGrainFactory grains)
    {
        var actor = Actors.Require(body, context);
        if (!catalog.Current.Builders.ContainsKey(name))
        {
            return TypedResults.NotFound();
        }

        var product = body.Product ?? throw new ArgumentException("product is required.", "product");
        if (!catalog.Current.Products.ContainsKey(product))
        {
            throw new ArgumentException($"product '{product}' is not in the catalog.", "product");
        }

        var builder = grains.GetGrain<IBuilderGrain>(name);
        await builder.RecordToil(product, body.Minutes, actor);
        return TypedResults.Ok(await builder.Get());
    }

    private static async Task<Ok<List<TierDocument>>> ListTiersAsync(ICatalogView catalog, IGrainFactory grains)
    {
        var result = new List<TierDocument>();
        foreach (var tier in catalog.Current.Tiers.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            result.Add(new TierDocument(tier, await grains.GetGrain<IEscalationTierGrain>(tier.Name).Get()));
        }

        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<TierDocument>, NotFound>> GetTierAsync(string name, ICatalogView catalog, IGrainFactory grains) =>
        catalog.Current.Tiers.TryGetValue(name, out var tier)
            ? TypedResults.Ok(new TierDocument(tier, await grains.GetGrain<IEscalationTierGrain>(name).Get()))
            : TypedResults.NotFound();

    private static async Task<Ok<CapacityDocument>> CapacityAsync(ICatalogView catalog, IGrainFactory grains)
    {
        var portfolio = await grains.GetGrain<IPortfolioGrain>("portfolio").Get();
        var builders = new List<PagerView>();
        foreach (var name in catalog.Current.Builders.Keys.Order(StringComparer.Ordinal))
        {
            builders.Add(await grains.GetGrain<IBuilderGrain>(name).Get());
        }

        return TypedResults.Ok(new CapacityDocument(
            [.. builders.Select(b => new BuilderLoad(b.Name, b.Capacity, Math.Round(b.Load, 2), b.Load > b.Capacity, b.OwnedProducts, b.PagesInWindow, b.IncidentsInWindow, b.ToilMinutesInWindow))],
            portfolio.Recommendations));
    }
}

/// <summary>A builder: its catalog entry and its live pager view.</summary>
public sealed record BuilderDocument(BuilderSpec Spec, PagerView Live);

/// <summary>An escalation tier: its catalog entry and its live pager view.</summary>
public sealed record TierDocument(EscalationTierSpec Spec, PagerView Live);

/// <summary>One builder's load against capacity.</summary>
public sealed record BuilderLoad(string Builder, double Capacity, double Load, bool OverCapacity, IReadOnlyList<string> OwnedProducts, int PagesInWindow, int IncidentsInWindow, double ToilMinutesInWindow);

/// <summary>Every builder's load and what to do about the overloaded ones.</summary>
public sealed record CapacityDocument(IReadOnlyList<BuilderLoad> Builders, IReadOnlyList<CapacityRecommendation> Recommendations);
