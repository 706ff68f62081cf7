using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ops.Catalog;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Runtime;

namespace Ops.Gateway.Api;

/// <summary>
/// <c>/api/v1/runbooks</c>, <c>/api/v1/catalog</c>, <c>/api/v1/portfolio</c>, <c>/api/v1/unrouted</c>,
/// <c>/api/v1/heartbeats</c>: runbooks as YAML through the same validator as the files, reload, the portfolio,
/// signals nobody could route, heartbeat sources.
/// </summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApiV1(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/runbooks", Runbooks).WithTags("Runbooks");
        routes.MapPost("/api/v1/catalog/documents", ApplyDocumentsAsync).WithTags("Catalog");
        routes.MapPost("/api/v1/catalog/reload", ReloadAsync).WithTags("Catalog");
        routes.MapGet("/api/v1/catalog", (ICatalogView catalog) => TypedResults.Ok(catalog.Current)).WithTags("Catalog");
        routes.MapGet("/api/v1/portfolio", async (IGrainFactory grains) => TypedResults.Ok(await grains.GetGrain<IPortfolioGrain>("portfolio").Get())).WithTags("Portfolio");
        routes.MapGet("/api/v1/unrouted", async (IGrainFactory grains, int? limit) => TypedResults.Ok(await grains.GetGrain<IUnroutedSignalsGrain>("unrouted").Get(limit ?? 100))).WithTags("Signals");
        routes.MapGet("/api/v1/heartbeats/{source}", async (string source, IGrainFactory grains) => TypedResults.Ok(await grains.GetGrain<IHeartbeatGrain>(source).Get())).WithTags("Signals");
        return routes;
    }

    private static Ok<List<RunbookSpec>> Runbooks(ICatalogView catalog, string? product) =>
        TypedResults.Ok(catalog.Current.Runbooks.Where(r => product is null || r.Product == product).OrderBy(r => r.Product, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList());

    /// <summary>
    /// Applies YAML catalog documents (any kind: Product, Builder, EscalationTier, Runbook) sent as the body: the
    /// same parser and validator as the files; all or nothing.
    /// </summary>
    private static async Task<Results<Ok<AppliedDocuments>, ValidationProblem>> ApplyDocumentsAsync(HttpContext context, CatalogService catalog)
    {
        var actor = Actors.Require(null, context);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var yaml = await reader.ReadToEndAsync(context.RequestAborted);
        var parsed = new CatalogLoader().Parse(yaml, "request");
        if (!parsed.IsValid)
        {
            return ProductsApi.CatalogProblem(parsed.Errors);
        }

        // All or nothing: the documents are validated together against the whole catalog, then applied at once.
        var snapshot = parsed.Snapshot;
        var changedBy = ProductsApi.ChangedBy(actor);
        var errors = await catalog.UpsertAsync(new CatalogOverlay
        {
            Tiers = [.. snapshot.Tiers.Values.Select(t => t with { DeclaredAt = changedBy })],
            Builders = [.. snapshot.Builders.Values.Select(b => b with { DeclaredAt = changedBy })],
            Products = [.. snapshot.Products.Values.Select(p => p with { DeclaredAt = changedBy })],
            Runbooks = [.. snapshot.Runbooks.Select(r => r with { DeclaredAt = changedBy })],
        });
        if (errors.Count > 0)
        {
            return ProductsApi.CatalogProblem(errors);
        }

        return TypedResults.Ok(new AppliedDocuments(snapshot.Products.Count, snapshot.Builders.Count, snapshot.Tiers.Count, snapshot.Runbooks.Count));
    }

    private static async Task<Results<Ok<AppliedDocuments>, ValidationProblem>> ReloadAsync(HttpContext context, CatalogService catalog)
    {
        Actors.Require(null, context);
        var result = await catalog.ReloadAsync();
        if (!result.IsValid)
        {
            return ProductsApi.CatalogProblem(result.Errors);
        }

        var current = catalog.Current;
        return TypedResults.Ok(new AppliedDocuments(current.Products.Count, current.Builders.Count, current.Tiers.Count, current.Runbooks.Count));
    }
}

/// <summary>How many entities a catalog change or reload holds.</summary>
public sealed record AppliedDocuments(int Products, int Builders, int Tiers, int Runbooks);
