using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ops.Runtime.Hosting;

namespace Ops.Gateway.Api;

/// <summary><c>/api/v1/cluster</c>: silos, partitions with owner / epoch / lease time left, inbox lag per partition.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApiV1(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/cluster", ReadAsync).WithTags("Cluster");
        return routes;
    }

    private static async Task<Ok<ClusterView>> ReadAsync(ISiloDiagnostics silo, CancellationToken cancellationToken) =>
        TypedResults.Ok(await silo.ReadClusterAsync(cancellationToken));
}
