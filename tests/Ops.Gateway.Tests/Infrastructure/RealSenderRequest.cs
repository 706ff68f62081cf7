using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>
/// A request captured from a real sender (<c>Fixtures/*.json</c>: <c>{path, headers, body}</c>): the body's JSON text
/// exactly as stored, and the headers that describe it.
/// </summary>
internal sealed record RealSenderRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public const string AlertmanagerFiring = "alertmanager-0.25-webhook-firing.json";
    public const string AlertmanagerResolved = "alertmanager-0.25-webhook-resolved.json";
    public const string PrometheusAlerts = "prometheus-2.42-to-api-v2-alerts-firing.json";
    public const string PagerDutyTrigger = "pdjs-2.2.4-events-v2-trigger.json";
    public const string PagerDutyAcknowledge = "pdjs-2.2.4-events-v2-acknowledge.json";
    public const string PagerDutyResolve = "pdjs-2.2.4-events-v2-resolve.json";
    public const string PagerDutyChange = "pdjs-2.2.4-change-event.json";

    public static RealSenderRequest Load(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName)));
        var root = document.RootElement;
        var headers = root.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
        return new RealSenderRequest(root.GetProperty("path").GetString()!, headers, root.GetProperty("body").GetRawText());
    }

    /// <summary>The body as a parsed element (for parser tests that skip HTTP).</summary>
    public JsonElement BodyElement()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    /// <summary>The request as the sender made it, to <paramref name="path"/> (our endpoint for that format).</summary>
    public HttpRequestMessage ToHttpRequest(string path)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Headers["Content-Type"]);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("User-Agent", Headers["User-Agent"]);
        return request;
    }
}
