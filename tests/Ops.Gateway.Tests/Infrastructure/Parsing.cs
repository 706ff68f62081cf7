using System.Text.Json;
using Ops.Gateway.Ingest;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>Shortcuts for parser tests: a request context at <see cref="TestClock.Start"/> and JSON text as an element.</summary>
internal static class Parsing
{
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromMinutes(5);

    public static IngestContext Context(DateTimeOffset? receivedAt = null) =>
        new(receivedAt ?? TestClock.Start, "127.0.0.1 test", "product", ResolveTimeout);

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static JsonElement Fixture(string name) => RealSenderRequest.Load(name).BodyElement();
}
