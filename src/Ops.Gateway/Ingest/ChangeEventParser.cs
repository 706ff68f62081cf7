using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>
/// PagerDuty change events, <c>POST /v2/change/enqueue</c>: <c>{routing_key, payload: {summary, source, timestamp,
/// custom_details}, links}</c>, recorded on the product as a <see cref="ChangeEvent"/> (a deploy, a config change;
/// never pages). Unknown members are ignored.
/// </summary>
/// <remarks>
/// Required: <c>routing_key</c> and <c>payload.summary</c> (at most 1024 characters). <c>payload.timestamp</c>
/// defaults to the receipt time; <c>payload.custom_details</c> (any JSON) is flattened to strings in
/// <see cref="ChangeEvent.Details"/> (e.g. version, commit).
/// </remarks>
internal static class ChangeEventParser
{
    public static ParseResult<ChangeEvent> Parse(JsonElement root, IngestContext context)
    {
        var errors = new IngestErrors();
        if (!JsonFields.IsObject(root, "", errors, "a PagerDuty change event object"))
        {
            return ParseResult<ChangeEvent>.Invalid(errors);
        }

        var routingKey = JsonFields.RequiredString(root, "", "routing_key", errors);
        string? summary = null, source = null;
        DateTimeOffset? timestamp = null;
        Dictionary<string, string> details = [];
        if (!JsonFields.TryGet(root, "payload", out var payload))
        {
            errors.Add("payload", "Required: expected an object with summary (and optionally source, timestamp, custom_details).");
        }
        else if (JsonFields.IsObject(payload, "payload", errors))
        {
            summary = JsonFields.RequiredString(payload, "payload", "summary", errors, PagerDutyEventsParser.MaxSummaryLength);
            source = JsonFields.String(payload, "payload", "source", errors);
            timestamp = JsonFields.Time(payload, "payload", "timestamp", errors);
            if (JsonFields.TryGet(payload, "custom_details", out var custom))
            {
                details = JsonFields.Flatten(custom, "custom_details");
            }
        }

        var links = JsonFields.Links(root, "", "links", errors);
        if (!errors.IsEmpty || summary is null)
        {
            return ParseResult<ChangeEvent>.Invalid(errors);
        }

        var change = new ChangeEvent
        {
            Id = context.NewId(),
            Summary = summary,
            Source = source,
            Timestamp = timestamp ?? context.ReceivedAt,
            ReceivedAt = context.ReceivedAt,
            RoutingKey = routingKey,
            Details = details,
            Links = links,
            SourceIdentity = context.SourceIdentity,
            RawPayload = root.GetRawText(),
        };
        return ParseResult<ChangeEvent>.From(change, errors);
    }
}
