using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The instruments of the gateway's ingest adapters (meter <see cref="TelemetryNames.Ingest"/>): records accepted and
/// requests rejected. One per host, from the host's <see cref="IMeterFactory"/>.
/// </summary>
public sealed class IngestInstruments
{
    /// <summary>Rejection reasons (label <c>reason</c>).</summary>
    public const string Invalid = "invalid";

    /// <inheritdoc cref="Invalid"/>
    public const string UnsupportedMedia = "unsupported-media";

    /// <inheritdoc cref="Invalid"/>
    public const string TooLarge = "too-large";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;

    public IngestInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(TelemetryNames.Ingest);
        _accepted = meter.CreateCounter<long>(
            "ops.ingest.accepted",
            "{record}",
            "Records (signals, change events, heartbeats) accepted and durable in the inbox, by wire format and whether a catalog product claimed them.");
        _rejected = meter.CreateCounter<long>(
            "ops.ingest.rejected",
            "{request}",
            "Ingest requests answered with a 4xx and nothing stored, by wire format and reason (invalid, unsupported-media, too-large).");
    }

    /// <summary>Counts <paramref name="count"/> records of <paramref name="format"/> made durable.</summary>
    public void RecordAccepted(string format, bool routed, int count = 1)
    {
        if (count > 0)
        {
            _accepted.Add(count, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("routed", routed ? "true" : "false"));
        }
    }

    /// <summary>Counts one request of <paramref name="format"/> rejected with <paramref name="statusCode"/>.</summary>
    public void RecordRejected(string format, int statusCode)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("reason", ReasonOf(statusCode)));
        Activity.Current?.SetTag("ingest.rejected", ReasonOf(statusCode));
    }

    /// <summary>The <c>reason</c> label of a 4xx: 413 too-large, 415 unsupported-media, anything else invalid.</summary>
    public static string ReasonOf(int statusCode) => statusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMedia,
        _ => Invalid,
    };
}

/// <summary>The span of one ingest request, as an endpoint filter on the ingest route group.</summary>
public static class IngestTracing
{
    /// <summary>
    /// Runs the endpoint inside a span <c>ingest {route}</c> of <see cref="OpsTracing.Ingest"/> (a child of the
    /// server's request span when there is one), tagged with the route and the answer's status code. The signals the
    /// request stores carry this span's <c>traceparent</c> into the inbox.
    /// </summary>
    public static async ValueTask<object?> TraceRequestAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!OpsTracing.Ingest.HasListeners())
        {
            return await next(context);
        }

        var http = context.HttpContext;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "/";
        using var span = OpsTracing.Ingest.StartActivity($"ingest {route}", ActivityKind.Internal);
        span?.SetTag("http.route", route);
        span?.SetTag("http.request.method", http.Request.Method);
        try
        {
            var result = await next(context);
            if (span is not null && result is IStatusCodeHttpResult { StatusCode: { } status })
            {
                span.SetTag("http.response.status_code", status);
                if (status >= StatusCodes.Status400BadRequest)
                {
                    span.SetStatus(ActivityStatusCode.Error, $"rejected with {status}");
                }
            }

            return result;
        }
        catch (Exception exception)
        {
            span.RecordFailure(exception);
            throw;
        }
    }
}
