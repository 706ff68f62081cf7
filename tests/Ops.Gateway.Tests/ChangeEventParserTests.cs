using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;
using static Ops.Gateway.Tests.Infrastructure.Parsing;

namespace Ops.Gateway.Tests;

public sealed class ChangeEventParserTests
{
    [Fact]
    public void Normalises_the_change_event_pdjs_sends()
    {
        var body = Fixture(RealSenderRequest.PagerDutyChange);

        var change = ChangeEventParser.Parse(body, Context()).Value!;

        Assert.Equal("checkout-api v2.41.0 deployed", change.Summary);
        Assert.Equal("ci", change.Source);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T08:06:03.383Z"), change.Timestamp);
        Assert.Equal(TestCatalog.CheckoutRoutingKey, change.RoutingKey);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "2.41.0", ["commit"] = "abc1234" }, change.Details);
        Assert.Equal("CI run", Assert.Single(change.Links).Text);
        Assert.Equal(body.GetRawText(), change.RawPayload);
    }

    [Fact]
    public void Without_a_timestamp_the_change_happened_when_received()
    {
        var change = ChangeEventParser.Parse(Json("""{"routing_key":"k","payload":{"summary":"deployed"}}"""), Context()).Value!;

        Assert.Equal(TestClock.Start, change.Timestamp);
    }

    [Theory]
    [InlineData("""{"payload":{"summary":"s"}}""", "routing_key")]
    [InlineData("""{"routing_key":"k"}""", "payload")]
    [InlineData("""{"routing_key":"k","payload":{"source":"ci"}}""", "payload.summary")]
    [InlineData("""{"routing_key":"k","payload":{"summary":"s","timestamp":"later"}}""", "payload.timestamp")]
    [InlineData("""{"routing_key":"k","payload":"deployed"}""", "payload")]
    public void Names_the_field_that_is_wrong(string json, string field)
    {
        var result = ChangeEventParser.Parse(Json(json), Context());

        Assert.Null(result.Value);
        Assert.Contains(field, result.Errors.Keys);
    }
}
