using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Ops.Ingest.Bench;

/// <summary>
/// The alert stream every server under test gets: <c>POST /api/v2/alerts</c> bodies shaped exactly like Prometheus
/// 2.42's (tests/Ops.Gateway.Tests/Fixtures/prometheus-2.42-to-api-v2-alerts-firing.json: annotations, endsAt in the
/// future, startsAt, generatorURL, labels), every label set unique through an <c>instance</c> label holding the
/// alert's id.
/// </summary>
/// <remarks>
/// Alert <c>n</c> is <see cref="NovelAlertName"/> for a <see cref="NovelFraction"/> share of ids (evenly spread), sent
/// to products p000..p099 in turn; the rest are <see cref="RemediableAlertName"/>, sent to the products that have the
/// matching runbook (p000..p049) in turn.
/// </remarks>
internal sealed class AlertStream(double novelFraction)
{
    /// <summary>The alertname the bench runbooks match: the ops agent runs the runbook (an HTTP call).</summary>
    public const string RemediableAlertName = "BenchRemediable";

    /// <summary>An alertname no runbook matches: escalated as novel → correlation → incident → page.</summary>
    public const string NovelAlertName = "BenchNovel";

    /// <summary>Products in the bench catalog.</summary>
    public const int Products = 100;

    /// <summary>Products with a <see cref="RemediableAlertName"/> runbook (the first half).</summary>
    public const int RemediableProducts = 50;

    private long _next;

    /// <summary>The share of novel alerts.</summary>
    public double NovelFraction { get; } = novelFraction;

    /// <summary>Reserves <paramref name="count"/> consecutive ids and returns the first.</summary>
    public long Reserve(int count) => Interlocked.Add(ref _next, count) - count;

    /// <summary>Whether alert <paramref name="id"/> is novel.</summary>
    public bool IsNovel(long id) => NovelBefore(id + 1) > NovelBefore(id);

    /// <summary>The product name of alert <paramref name="id"/>.</summary>
    public string ProductOf(long id) => ProductName(IsNovel(id) ? (int)(NovelBefore(id) % Products) : (int)((id - NovelBefore(id)) % RemediableProducts));

    /// <summary>The catalog name of product number <paramref name="index"/>.</summary>
    public static string ProductName(int index) => "p" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>A JSON array of <paramref name="count"/> alerts with ids from <paramref name="firstId"/>, starting now and ending in 5 minutes.</summary>
    public byte[] Body(long firstId, int count)
    {
        var now = DateTime.UtcNow;
        var startsAt = now.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var endsAt = now.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(count * 600);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var id = firstId; id < firstId + count; id++)
            {
                WriteAlert(json, id, startsAt, endsAt);
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteAlert(Utf8JsonWriter json, long id, string startsAt, string endsAt)
    {
        var product = ProductOf(id);
        var instance = id.ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteStartObject("annotations");
        json.WriteString("description", $"bench alert {instance} on {product}: 5xx ratio over 5m above the 5% SLO threshold");
        json.WriteString("runbook_url", $"https://runbooks.example/{product}/errors");
        json.WriteString("summary", $"{product} error rate is 7%");
        json.WriteEndObject();
        json.WriteString("endsAt", endsAt);
        json.WriteString("startsAt", startsAt);
        json.WriteString("generatorURL", $"http://vm:18454/graph?g0.expr=errors%7Bproduct%3D%22{product}%22%7D+%3E+0.05&g0.tab=1");
        json.WriteStartObject("labels");
        json.WriteString("alertname", IsNovel(id) ? NovelAlertName : RemediableAlertName);
        json.WriteString("instance", instance);
        json.WriteString("product", product);
        json.WriteString("severity", "critical");
        json.WriteString("team", "bench");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private long NovelBefore(long id) => (long)Math.Floor(id * NovelFraction);
}
