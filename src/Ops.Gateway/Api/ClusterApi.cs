using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ops.Runtime.Hosting;

namespace Ops.Gateway.Api;

/// <summary>
/// <c>/api/v1/cluster</c>: silos, partitions with owner / epoch / lease time left, inbox lag per partition; and
/// <c>POST /api/v1/cluster/drain</c>, which drains the silo that receives it (before a rolling deploy or a scale-in).
/// </summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApiV1(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/cluster", ReadAsync).WithTags("Cluster");
        routes.MapPost("/api/v1/cluster/drain", DrainAsync)
            .WithTags("Cluster")
            .WithSummary("Drain this silo")
            .WithDescription("Hands every partition of the silo that receives the request to the other silos (its grains deactivate and save, inbox offsets are committed, leases are released), then keeps the process up, serving nothing and forwarding what it receives; /health/ready reports it not ready. 409 on a single-silo (SQLite) store.");
        return routes;
    }

    private static async Task<Ok<ClusterView>> ReadAsync(ISiloDiagnostics silo, CancellationToken cancellationToken) =>
        TypedResults.Ok(await silo.ReadClusterAsync(cancellationToken));

    private static async Task<Ok<DrainResult>> DrainAsync(ISiloDiagnostics silo, CancellationToken cancellationToken)
    {
        await silo.DrainAsync(cancellationToken);
        return TypedResults.Ok(new DrainResult(silo.SiloId, "drained", silo.ServingPartitions.Count));
    }
}

/// <summary>The answer to a drain: this silo, and how many partitions it still serves (0 once drained).</summary>
public sealed record DrainResult(Guid Silo, string Status, int ServingPartitions);
