using System.Text.Json;

namespace Ops.Silo.Testing;

/// <summary>
/// Request bodies captured from real senders (Prometheus 2.42, Alertmanager 0.25, PagerDuty's pdjs 2.2.4), kept with
/// the gateway's tests in <c>tests/Ops.Gateway.Tests/Fixtures/</c>.
/// </summary>
public static class RealSender
{
    /// <summary>The captured body of <paramref name="fixture"/>, its original text unchanged.</summary>
    public static string Body(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "tests", "Ops.Gateway.Tests", "Fixtures", fixture)));
        return document.RootElement.GetProperty("body").GetRawText();
    }
}
