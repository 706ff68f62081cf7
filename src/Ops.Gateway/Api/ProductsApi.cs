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
/// <c>/api/v1/products</c>: the catalog entry with the product's live symptoms and its ops agent (runbooks, runs,
/// promotions); create / change, transfer and retire; approve or reject runs and promotions.
/// </summary>
public static class ProductsApi
{
    public static RouteGroupBuilder MapProductsApiV1(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/products").WithTags("Products");
        group.MapGet("/", List);
        group.MapGet("/{name}", GetAsync);
        group.MapPut("/{name}", UpsertAsync);
        group.MapPost("/{name}/transfer", TransferAsync);
        group.MapPost("/{name}/retire", RetireAsync);
        group.MapGet("/{name}/agent", AgentAsync);
        group.MapPost("/{name}/runs/{runId}/approve", ApproveRunAsync);
        group.MapPost("/{name}/runs/{runId}/reject", RejectRunAsync);
        group.MapPost("/{name}/promotions/{promotionId}/{decision}", DecidePromotionAsync);
        routes.MapGet("/api/v1/promotions", PromotionsAsync).WithTags("Promotions");
        return group;
    }

    private static Ok<List<ProductSpec>> List(ICatalogView catalog) =>
        TypedResults.Ok(catalog.Current.Products.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList());

    private static async Task<Results<Ok<ProductDocument>, NotFound>> GetAsync(string name, ICatalogView catalog, IGrainFactory grains)
    {
        if (!catalog.Current.Products.TryGetValue(name, out var spec))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new ProductDocument(
            spec,
            [.. catalog.Current.Dependents(name).Order(StringComparer.Ordinal)],
            await grains.GetGrain<IProductGrain>(name).Get(),
            await grains.GetGrain<IOpsAgentGrain>(name).Get()));
    }

    private static async Task<Results<Ok<ProductSpec>, ValidationProblem>> UpsertAsync(string name, ProductSpec body, HttpContext context, CatalogService catalog)
    {
        var actor = Actors.Require(null, context);
        if (body.Name != name)
        {
            throw new ArgumentException($"name in the body ('{body.Name}') must equal the name in the path ('{name}').", "name");
        }

        var errors = await catalog.UpsertAsync(body with { DeclaredAt = ChangedBy(actor) });
        return errors.Count > 0 ? CatalogProblem(errors) : TypedResults.Ok(catalog.Current.Products[name]);
    }

    private static async Task<Results<Ok<ProductSpec>, ValidationProblem, NotFound>> TransferAsync(string name, TransferRequest body, HttpContext context, CatalogService catalog)
    {
        var actor = Actors.Require(body, context);
        if (!catalog.Current.Products.ContainsKey(name))
        {
            return TypedResults.NotFound();
        }

        var to = body.To ?? throw new ArgumentException("to is required: the builder that takes the product over.", "to");
        if (!catalog.Current.Builders.ContainsKey(to))
        {
            throw new ArgumentException($"to: '{to}' is not a builder in the catalog.", "to");
        }

        // Applied to the product as saved, not as read above: a change another silo saved meanwhile is kept.
        var errors = await catalog.UpdateProductAsync(name, product => product with { Owner = to, DeclaredAt = ChangedBy(actor) });
        return errors.Count > 0 ? CatalogProblem(errors) : TypedResults.Ok(catalog.Current.Products[name]);
    }

    private static async Task<Results<Ok<ProductSpec>, ValidationProblem, NotFound>> RetireAsync(string name, HumanAction? body, HttpContext context, CatalogService catalog)
    {
        var actor = Actors.Require(body, context);
        if (!catalog.Current.Products.ContainsKey(name))
        {
            return TypedResults.NotFound();
        }

        var errors = await catalog.UpdateProductAsync(name, product => product with { Lifecycle = Lifecycle.Retired, DeclaredAt = ChangedBy(actor) });
        return errors.Count > 0 ? CatalogProblem(errors) : TypedResults.Ok(catalog.Current.Products[name]);
    }

    private static async Task<Results<Ok<OpsAgentView>, NotFound>> AgentAsync(string name, ICatalogView catalog, IGrainFactory grains) =>
        catalog.Current.Products.ContainsKey(name) ? TypedResults.Ok(await grains.GetGrain<IOpsAgentGrain>(name).Get()) : TypedResults.NotFound();

    private static async Task<Ok<RunView>> ApproveRunAsync(string name, string runId, HumanAction? body, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IOpsAgentGrain>(name).ApproveRun(runId, Actors.Require(body, context)));

    private static async Task<Ok<RunView>> RejectRunAsync(string name, string runId, HumanAction? body, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IOpsAgentGrain>(name).RejectRun(runId, Actors.Require(body, context)));

    private static async Task<Ok<PromotionView>> DecidePromotionAsync(string name, string promotionId, string decision, HumanAction? body, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IOpsAgentGrain>(name).DecidePromotion(promotionId, decision, Actors.Require(body, context)));

    private static async Task<Ok<List<PromotionView>>> PromotionsAsync(ICatalogView catalog, IGrainFactory grains, string? product, string? state)
    {
        var result = new List<PromotionView>();
        foreach (var name in catalog.Current.Products.Keys.Where(p => product is null || p == product).Order(StringComparer.Ordinal))
        {
            var agent = await grains.GetGrain<IOpsAgentGrain>(name).Get();
            result.AddRange(agent.Promotions.Where(p => state is null || p.State == state));
        }

        return TypedResults.Ok(result);
    }

    /// <summary>Where an API change is recorded as declared: <c>api:{actor}</c> (shown as the entity's declaredAt).</summary>
    internal static SourceLocation ChangedBy(string actor) => new($"api:{actor}", 0);

    internal static ValidationProblem CatalogProblem(IReadOnlyList<CatalogError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.ToString()).ToArray()),
            title: "The catalog change is invalid");
}

/// <summary>A product: catalog entry, who depends on it, live symptoms, its ops agent.</summary>
public sealed record ProductDocument(ProductSpec Spec, IReadOnlyList<string> Dependents, ProductView Live, OpsAgentView Agent);
