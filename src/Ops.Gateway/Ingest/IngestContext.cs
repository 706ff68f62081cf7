namespace Ops.Gateway.Ingest;

/// <summary>What a parser needs to know about the request beyond its body.</summary>
/// <param name="ReceivedAt">When the gateway received the request (from the injected <see cref="TimeProvider"/>).</param>
/// <param name="SourceIdentity">Who sent it: <c>{remote ip} {User-Agent}</c>.</param>
/// <param name="ProductLabel">The label naming the product (<see cref="IngestOptions.ProductLabel"/>).</param>
/// <param name="ResolveTimeout">When an <c>/api/v2/alerts</c> alert without <c>endsAt</c> lapses (<see cref="IngestOptions.ResolveTimeout"/>).</param>
internal sealed record IngestContext(DateTimeOffset ReceivedAt, string? SourceIdentity, string ProductLabel, TimeSpan ResolveTimeout)
{
    /// <summary>A new unique signal or change id: a version 7 GUID (time-ordered), 32 hex digits.</summary>
    public string NewId() => Guid.CreateVersion7(ReceivedAt).ToString("N");
}
