using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Runtime.Diagnostics;

namespace Ops.Gateway.Ingest;

/// <summary>
/// The ingest adapters' HTTP endpoints, one per wire format, each answering 2xx only after everything the request
/// carried is durable in the inbox (<see cref="SignalIntake"/>). A request is all or nothing: when any part of it is
/// invalid nothing is stored and the answer is a 4xx problem body naming the field (see <see cref="IngestProblems"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>POST /api/v1/ingest/alertmanager</c></term><description>Alertmanager / Grafana webhook → 202 <see cref="IngestAccepted"/>.</description></item>
/// <item><term><c>POST /api/v2/alerts</c></term><description>Alertmanager client API (Prometheus) → 200 <see cref="IngestAccepted"/>:
/// Alertmanager answers 200 here and Prometheus treats any 2xx as delivered; the 200 is sent after the append, so it means durable too.</description></item>
/// <item><term><c>POST /v2/enqueue</c></term><description>PagerDuty Events v2 → 202 <c>{"status":"success","message":"Event processed","dedup_key":...}</c>.</description></item>
/// <item><term><c>POST /v2/change/enqueue</c></term><description>PagerDuty change event → 202 <c>{"status":"success","message":"Change event processed"}</c>.</description></item>
/// <item><term><c>POST /api/v1/signals</c></term><description>Generic signals (<see cref="GenericSignalParser"/>) → 202 <see cref="IngestAccepted"/>.</description></item>
/// <item><term><c>POST /api/v1/heartbeats/{source}</c></term><description>A beat (<c>?interval=30s</c>, <c>?product=</c>; body ignored) → 202 <see cref="HeartbeatAccepted"/>.</description></item>
/// </list>
/// 4xx: 400 invalid or malformed body, 413 body over <see cref="IngestOptions.MaxBodyBytes"/>, 415 not JSON.
/// </remarks>
public static class IngestEndpoints
{
    /// <summary>
    /// Maps the ingest endpoints (paths above, at the root of <paramref name="routes"/>) and returns their group, so
    /// the host can add authorization or rate limiting to all of them at once. Needs <see cref="IngestServiceCollectionExtensions.AddOpsIngest"/>.
    /// </summary>
    public static RouteGroupBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Ingest").AddEndpointFilter(IngestTracing.TraceRequestAsync);
        group.MapPost("/api/v1/ingest/alertmanager", PostAlertmanagerWebhookAsync)
            .WithName("IngestAlertmanagerWebhook").Produces<IngestAccepted>(StatusCodes.Status202Accepted).ProducesIngestProblems();
        group.MapPost("/api/v2/alerts", PostAlertmanagerAlertsAsync)
            .WithName("IngestAlertmanagerAlerts").Produces<IngestAccepted>(StatusCodes.Status200OK).ProducesIngestProblems();
        group.MapPost("/v2/enqueue", PostPagerDutyEventAsync)
            .WithName("IngestPagerDutyEvent").Produces<PagerDutyAccepted>(StatusCodes.Status202Accepted).ProducesIngestProblems();
        group.MapPost("/v2/change/enqueue", PostPagerDutyChangeAsync)
            .WithName("IngestPagerDutyChange").Produces<PagerDutyAccepted>(StatusCodes.Status202Accepted).ProducesIngestProblems();
        group.MapPost("/api/v1/signals", PostSignalsAsync)
            .WithName("IngestSignals").Produces<IngestAccepted>(StatusCodes.Status202Accepted).ProducesIngestProblems();
        group.MapPost("/api/v1/heartbeats/{source}", PostHeartbeatAsync)
            .WithName("IngestHeartbeat").Produces<HeartbeatAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();
        return group;
    }

    private static RouteHandlerBuilder ProducesIngestProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static Task<IResult> PostAlertmanagerWebhookAsync(HttpContext http, IngestRequestReader reader, SignalIntake intake, CancellationToken cancellationToken) =>
        AcceptSignalsAsync(http, reader, intake, IngestFormat.AlertmanagerWebhook, AlertmanagerWebhookParser.Parse, StatusCodes.Status202Accepted, cancellationToken);

    private static Task<IResult> PostAlertmanagerAlertsAsync(HttpContext http, IngestRequestReader reader, SignalIntake intake, CancellationToken cancellationToken) =>
        AcceptSignalsAsync(http, reader, intake, IngestFormat.AlertmanagerApi, AlertmanagerApiParser.Parse, StatusCodes.Status200OK, cancellationToken);

    private static Task<IResult> PostSignalsAsync(HttpContext http, IngestRequestReader reader, SignalIntake intake, CancellationToken cancellationToken) =>
        AcceptSignalsAsync(http, reader, intake, IngestFormat.Generic, GenericSignalParser.Parse, StatusCodes.Status202Accepted, cancellationToken);

    private static async Task<IResult> AcceptSignalsAsync(
        HttpContext http,
        IngestRequestReader reader,
        SignalIntake intake,
        IngestFormat format,
        Func<JsonElement, IngestContext, ParseResult<IReadOnlyList<Signal>>> parse,
        int successStatus,
        CancellationToken cancellationToken)
    {
        var (signals, problem) = await reader.ReadAsync(http, format, parse, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var accepted = IngestAccepted.From(await intake.AcceptAsync(signals!, cancellationToken));
        return successStatus == StatusCodes.Status200OK ? TypedResults.Ok(accepted) : TypedResults.Accepted((string?)null, accepted);
    }

    private static async Task<IResult> PostPagerDutyEventAsync(HttpContext http, IngestRequestReader reader, SignalIntake intake, CancellationToken cancellationToken)
    {
        var (signal, problem) = await reader.ReadAsync(http, IngestFormat.PagerDutyEvent, PagerDutyEventsParser.Parse, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await intake.AcceptAsync([signal!], cancellationToken);
        return TypedResults.Accepted((string?)null, new PagerDutyAccepted("success", "Event processed", signal!.DedupKey));
    }

    private static async Task<IResult> PostPagerDutyChangeAsync(HttpContext http, IngestRequestReader reader, SignalIntake intake, CancellationToken cancellationToken)
    {
        var (change, problem) = await reader.ReadAsync(http, IngestFormat.PagerDutyChange, ChangeEventParser.Parse, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await intake.AcceptAsync(change!, cancellationToken);
        return TypedResults.Accepted((string?)null, new PagerDutyAccepted("success", "Change event processed", null));
    }

    /// <summary>
    /// One beat from <paramref name="source"/> (at most 200 characters). <paramref name="interval"/> is the promised
    /// beat interval (<see cref="HeartbeatInterval"/>; default <see cref="IngestOptions.HeartbeatDefaultInterval"/>);
    /// <paramref name="product"/> is stored by its catalog name when it names a product, else as given.
    /// </summary>
    private static async Task<IResult> PostHeartbeatAsync(
        string source,
        string? interval,
        string? product,
        HttpContext http,
        IngestRequestReader reader,
        SignalIntake intake,
        SignalRouter router,
        IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var context = reader.ContextFor(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(source) || source.Length > 200)
        {
            errors["source"] = ["Expected a non-empty source name of at most 200 characters."];
        }

        var every = options.Value.HeartbeatDefaultInterval;
        if (!string.IsNullOrEmpty(interval) && !HeartbeatInterval.TryParse(interval, out every, out var problem))
        {
            errors["interval"] = [problem!];
        }

        if (errors.Count > 0)
        {
            return reader.Invalid(http, IngestFormat.Heartbeat, errors);
        }

        var named = string.IsNullOrWhiteSpace(product) ? null : router.FindProduct(product) ?? product;
        await intake.AcceptAsync(new HeartbeatBeat(source, named, every, context.ReceivedAt, context.SourceIdentity), cancellationToken);
        return TypedResults.Accepted((string?)null, new HeartbeatAccepted(source, named, every.TotalSeconds));
    }
}
