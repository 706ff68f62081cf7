using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ops.Contracts.Signals;

namespace Ops.Gateway.Ingest;

/// <summary>The three PagerDuty Events v2 actions.</summary>
internal enum PagerDutyEventAction
{
    Trigger,
    Acknowledge,
    Resolve,
}

/// <summary>
/// PagerDuty Events API v2, <c>POST /v2/enqueue</c>: one event <c>{routing_key, event_action, dedup_key, payload,
/// links, images, client, client_url}</c>. Unknown members are ignored.
/// </summary>
/// <remarks>
/// <para>Required: <c>routing_key</c>; <c>event_action</c> trigger|acknowledge|resolve; <c>dedup_key</c> (at most
/// 255 characters) for acknowledge and resolve — a trigger without one gets a new one (a GUID, 32 hex digits),
/// which the caller returns to the sender. A trigger needs <c>payload</c> with <c>summary</c> (at most 1024
/// characters), <c>source</c> and <c>severity</c> critical|error|warning|info; <c>payload.timestamp</c>,
/// <c>component</c>, <c>group</c>, <c>class</c> and <c>custom_details</c> (any JSON) are optional. Acknowledge and
/// resolve ignore the payload, as PagerDuty does.</para>
/// <para>Mapping: trigger → firing; acknowledge → firing with <see cref="Signal.Acknowledged"/>; resolve → resolved
/// (ending at receipt). Fingerprint: <c>pd:</c> + <see cref="FingerprintOf"/>, so deduplication is within one
/// routing key, as in PagerDuty. Labels: <c>source</c>, <c>component</c>, <c>group</c>, <c>class</c> when given;
/// annotations: <c>custom_details</c> flattened to strings. Links: <c>links</c>, <c>images</c> and
/// <c>client_url</c>.</para>
/// </remarks>
internal static class PagerDutyEventsParser
{
    public const int MaxSummaryLength = 1024;
    public const int MaxDedupKeyLength = 255;

    private static readonly Dictionary<string, PagerDutyEventAction> s_actions = new(StringComparer.Ordinal)
    {
        ["trigger"] = PagerDutyEventAction.Trigger,
        ["acknowledge"] = PagerDutyEventAction.Acknowledge,
        ["resolve"] = PagerDutyEventAction.Resolve,
    };

    private static readonly Dictionary<string, SeverityHint> s_severities = new(StringComparer.Ordinal)
    {
        ["critical"] = SeverityHint.Critical,
        ["error"] = SeverityHint.Error,
        ["warning"] = SeverityHint.Warning,
        ["info"] = SeverityHint.Info,
    };

    public static ParseResult<Signal> Parse(JsonElement root, IngestContext context)
    {
        var errors = new IngestErrors();
        if (!JsonFields.IsObject(root, "", errors, "a PagerDuty Events v2 event object"))
        {
            return ParseResult<Signal>.Invalid(errors);
        }

        var routingKey = JsonFields.RequiredString(root, "", "routing_key", errors);
        var action = JsonFields.RequiredChoice(root, "", "event_action", errors, s_actions);
        var dedupKey = JsonFields.String(root, "", "dedup_key", errors, MaxDedupKeyLength);
        if (string.IsNullOrEmpty(dedupKey) && action is PagerDutyEventAction.Acknowledge or PagerDutyEventAction.Resolve && !errors.Has("dedup_key"))
        {
            errors.Add("dedup_key", $"Required for event_action \"{Name(action.Value)}\": expected the dedup_key of the triggered event.");
        }

        var payload = action == PagerDutyEventAction.Trigger ? ParsePayload(root, errors) : null;
        var links = JsonFields.Links(root, "", "links", errors);
        AddImages(root, links, errors);
        var client = JsonFields.String(root, "", "client", errors);
        if (JsonFields.String(root, "", "client_url", errors) is { Length: > 0 } clientUrl)
        {
            links.Add(new SignalLink(clientUrl, client ?? "client"));
        }

        if (!errors.IsEmpty || routingKey is null || action is null)
        {
            return ParseResult<Signal>.Invalid(errors);
        }

        dedupKey = string.IsNullOrEmpty(dedupKey) ? Guid.NewGuid().ToString("N") : dedupKey;
        var signal = new Signal
        {
            Id = context.NewId(),
            Fingerprint = FingerprintOf(routingKey, dedupKey),
            Status = action == PagerDutyEventAction.Resolve ? SignalStatus.Resolved : SignalStatus.Firing,
            Acknowledged = action == PagerDutyEventAction.Acknowledge,
            Severity = payload?.Severity ?? SeverityHint.Warning,
            Summary = payload?.Summary ?? "",
            Labels = payload?.Labels ?? [],
            Annotations = payload?.Details ?? [],
            StartsAt = payload?.Timestamp ?? context.ReceivedAt,
            EndsAt = action == PagerDutyEventAction.Resolve ? context.ReceivedAt : null,
            ReceivedAt = context.ReceivedAt,
            Source = SignalSources.PagerDuty,
            SourceIdentity = context.SourceIdentity,
            RoutingKey = routingKey,
            DedupKey = dedupKey,
            Links = links,
            RawPayload = root.GetRawText(),
        };
        return ParseResult<Signal>.From(signal, errors);
    }

    /// <summary>
    /// <c>pd:</c> + the first 8 bytes of SHA-256(UTF-8 of <c>routing_key + "\n" + dedup_key</c>) as 16 lower-case hex
    /// digits: stable across silos and versions, and the same dedup key under two routing keys is two symptoms.
    /// </summary>
    public static string FingerprintOf(string routingKey, string dedupKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{routingKey}\n{dedupKey}"));
        return "pd:" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private static string Name(PagerDutyEventAction action) => action.ToString().ToLowerInvariant();

    private static TriggerPayload? ParsePayload(JsonElement root, IngestErrors errors)
    {
        if (!JsonFields.TryGet(root, "payload", out var payload))
        {
            errors.Add("payload", "Required for event_action \"trigger\": expected an object with summary, source and severity.");
            return null;
        }

        if (!JsonFields.IsObject(payload, "payload", errors))
        {
            return null;
        }

        var summary = JsonFields.RequiredString(payload, "payload", "summary", errors, MaxSummaryLength);
        var source = JsonFields.RequiredString(payload, "payload", "source", errors);
        var severity = JsonFields.RequiredChoice(payload, "payload", "severity", errors, s_severities);
        var timestamp = JsonFields.Time(payload, "payload", "timestamp", errors);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (source is not null)
        {
            labels["source"] = source;
        }

        foreach (var name in (string[])["component", "group", "class"])
        {
            if (JsonFields.String(payload, "payload", name, errors) is { Length: > 0 } value)
            {
                labels[name] = value;
            }
        }

        var details = JsonFields.TryGet(payload, "custom_details", out var custom) ? JsonFields.Flatten(custom, "custom_details") : [];
        return summary is null || severity is null ? null : new TriggerPayload(summary, severity.Value, timestamp, labels, details);
    }

    private static void AddImages(JsonElement root, List<SignalLink> links, IngestErrors errors)
    {
        foreach (var (image, path) in JsonFields.Objects(root, "", "images", errors))
        {
            var src = JsonFields.RequiredString(image, path, "src", errors);
            var href = JsonFields.String(image, path, "href", errors);
            var alt = JsonFields.String(image, path, "alt", errors);
            if (src is not null)
            {
                links.Add(new SignalLink(string.IsNullOrEmpty(href) ? src : href, alt ?? "image"));
            }
        }
    }

    private sealed record TriggerPayload(string Summary, SeverityHint Severity, DateTimeOffset? Timestamp, Dictionary<string, string> Labels, Dictionary<string, string> Details);
}
