using System.Text.Json.Serialization;

namespace Ops.Gateway.Ingest;

/// <summary>
/// The answer to an accepted Alertmanager, <c>/api/v2/alerts</c> or generic request (sent once every signal is
/// durable): how many signals were stored, how many of them matched no product, and their ids.
/// </summary>
public sealed record IngestAccepted(int Accepted, int Unrouted, IReadOnlyList<string> Signals)
{
    internal static IngestAccepted From(IntakeReceipt receipt) =>
        new(receipt.Signals.Count, receipt.Unrouted, [.. receipt.Signals.Select(s => s.Id)]);
}

/// <summary>PagerDuty Events v2's answer to an accepted event (<c>dedup_key</c> is omitted for change events).</summary>
public sealed record PagerDutyAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("dedup_key")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DedupKey);

/// <summary>The answer to a stored heartbeat.</summary>
public sealed record HeartbeatAccepted(string Source, string? Product, double IntervalSeconds);
