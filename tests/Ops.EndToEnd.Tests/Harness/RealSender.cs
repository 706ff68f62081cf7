using System.Text.Json;

namespace Ops.EndToEnd.Tests.Harness;

/// <summary>Request bodies captured from real senders (Prometheus 2.42, Alertmanager 0.25, PagerDuty's pdjs 2.2.4).</summary>
public static class RealSender
{
    /// <summary>The captured body of <paramref name="fixture"/>, its original text unchanged.</summary>
    public static string Body(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPortfolio.Fixture(fixture)));
        return document.RootElement.GetProperty("body").GetRawText();
    }
}
