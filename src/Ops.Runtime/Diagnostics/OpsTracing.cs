using System.Diagnostics;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The activity sources of Ops.Orleans. Spans exist only while something listens (an OTLP exporter, a test's
/// <see cref="ActivityListener"/>); without a listener every <c>StartActivity</c> returns null and costs a branch.
/// </summary>
/// <remarks>
/// A signal's trace crosses the durable inbox inside the record: appenders put the W3C <c>traceparent</c> of the
/// current activity into the payload (<see cref="CurrentTraceParent"/>, see <see cref="InboxTraceContext"/>), and the
/// runtime starts the delivery span of the record as its child, so one trace follows a signal from the gateway
/// through the grains to the remediation call and the page.
/// </remarks>
public static class OpsTracing
{
    /// <summary>Ingest requests (one span per request to an ingest endpoint).</summary>
    public static readonly ActivitySource Ingest = new(TelemetryNames.Ingest);

    /// <summary>The silo: inbox appends, inbox deliveries and traced grain calls.</summary>
    public static readonly ActivitySource Runtime = new(TelemetryNames.Runtime);

    /// <summary>The ops loop: remediation steps (the outbound call) and notification deliveries (the page).</summary>
    public static readonly ActivitySource Loop = new(TelemetryNames.Loop);

    /// <summary>
    /// The W3C <c>traceparent</c> of the current activity, to carry in a durable record so the trace continues where
    /// the record is delivered; null outside a trace.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Marks <paramref name="span"/> failed with <paramref name="exception"/> (no-op for null).</summary>
    public static void RecordFailure(this Activity? span, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (span is null)
        {
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, exception.Message);
        span.AddException(exception);
    }
}
