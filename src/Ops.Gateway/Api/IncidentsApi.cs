using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ops.Contracts.Grains;
using Ops.Grains.Correlation;
using Ops.Grains.Incidents;
using Ops.Runtime;

namespace Ops.Gateway.Api;

/// <summary><c>/api/v1/incidents</c>: the incident list, one incident with its timeline, acknowledge, note, resolve.</summary>
public static class IncidentsApi
{
    public static RouteGroupBuilder MapIncidentsApiV1(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/incidents").WithTags("Incidents");
        group.MapGet("/", ListAsync);
        group.MapGet("/correlation", async (IGrainFactory grains) => TypedResults.Ok(await grains.GetGrain<ICorrelationGrain>(CorrelationGrain.Key).OpenIncidents()));
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/acknowledge", AcknowledgeAsync);
        group.MapPost("/{id}/notes", NoteAsync);
        group.MapPost("/{id}/resolve", ResolveAsync);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<IncidentSummary>>> ListAsync(IGrainFactory grains, string? state, string? product, int? limit)
    {
        if (state is not null && state is not (IncidentStates.Open or IncidentStates.Acknowledged or IncidentStates.Resolved))
        {
            throw new ArgumentException($"state must be {IncidentStates.Open}, {IncidentStates.Acknowledged} or {IncidentStates.Resolved}.", nameof(state));
        }

        return TypedResults.Ok(await grains.GetGrain<IIncidentIndexGrain>(IncidentIndexGrain.Key).List(state, product, limit ?? 100));
    }

    private static async Task<Results<Ok<IncidentView>, NotFound>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IIncidentGrain>(id).Get() is { } incident ? TypedResults.Ok(incident) : TypedResults.NotFound();

    private static async Task<Ok<IncidentView>> AcknowledgeAsync(string id, HumanAction? body, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IIncidentGrain>(id).Acknowledge(Actors.Require(body, context)));

    private static async Task<Ok<IncidentView>> NoteAsync(string id, NoteRequest body, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IIncidentGrain>(id).AddNote(Actors.Require(body, context), body.Text ?? throw new ArgumentException("text is required.", "text")));

    private static async Task<Ok<IncidentView>> ResolveAsync(string id, ResolveRequest body, HttpContext context, IGrainFactory grains)
    {
        var actor = Actors.Require(body, context);
        var fix = body.Fix ?? throw new ArgumentException("fix is required: {kind: http|command|rollback|manual, target, parameters, text}.", "fix");
        return TypedResults.Ok(await grains.GetGrain<IIncidentGrain>(id).Resolve(actor, fix));
    }
}
