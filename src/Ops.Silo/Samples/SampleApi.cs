using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Ops.Runtime;

namespace Ops.Silo.Samples;

/// <summary>HTTP endpoints of the sample counter.</summary>
public static class SampleApi
{
    public static RouteGroupBuilder MapSampleApiV1(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sample/counters");
        group.MapGet("/{name}", GetAsync);
        group.MapPost("/{name}/add", AddAsync);
        group.MapPost("/{name}/events", EnqueueAsync);
        return group;
    }

    /// <summary>The counter's value.</summary>
    private static async Task<Ok<SampleCounterState>> GetAsync(string name, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ISampleCounterGrain>(name).Get());

    /// <summary>Adds ?amount= (default 1) through a grain call; answers once the new value is durable.</summary>
    private static async Task<Results<Ok<SampleCounterState>, ProblemHttpResult>> AddAsync(string name, IGrainFactory grains, long? amount) =>
        TypedResults.Ok(await grains.GetGrain<ISampleCounterGrain>(name).Add(amount ?? 1));

    /// <summary>Appends "add ?amount=" to the counter's durable inbox; 202 once stored, applied exactly once later.</summary>
    private static async Task<Accepted<object>> EnqueueAsync(string name, IGrainFactory grains, IInbox inbox, long? amount)
    {
        var recipient = grains.GetGrainId<ISampleCounterGrain>(name);
        var receipt = await inbox.AppendAsync(recipient, "sample.add", Encoding.UTF8.GetBytes((amount ?? 1).ToString(CultureInfo.InvariantCulture)));
        return TypedResults.Accepted($"/api/v1/sample/counters/{Uri.EscapeDataString(name)}", (object)new { receipt.PartitionId, receipt.Offset });
    }
}
