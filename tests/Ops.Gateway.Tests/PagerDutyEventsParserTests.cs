using Ops.Contracts.Signals;
using Ops.Gateway.Ingest;
using Ops.Gateway.Tests.Infrastructure;
using static Ops.Gateway.Tests.Infrastructure.Parsing;

namespace Ops.Gateway.Tests;

public sealed class PagerDutyEventsParserTests
{
    [Fact]
    public void Normalises_the_trigger_pdjs_sends()
    {
        var body = Fixture(RealSenderRequest.PagerDutyTrigger);

        var result = PagerDutyEventsParser.Parse(body, Context());

        Assert.True(result.IsValid);
        var signal = result.Value!;
        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.False(signal.Acknowledged);
        Assert.Equal(SeverityHint.Critical, signal.Severity);
        Assert.Equal("Checkout 5xx above SLO", signal.Summary);
        Assert.Equal("checkout-5xx", signal.DedupKey);
        Assert.Equal(TestCatalog.CheckoutRoutingKey, signal.RoutingKey);
        Assert.Equal(PagerDutyEventsParser.FingerprintOf(TestCatalog.CheckoutRoutingKey, "checkout-5xx"), signal.Fingerprint);
        Assert.StartsWith("pd:", signal.Fingerprint, StringComparison.Ordinal);
        Assert.Equal(
            new Dictionary<string, string> { ["source"] = "checkout-api-7f9c", ["component"] = "checkout-api", ["group"] = "payments", ["class"] = "http-5xx" },
            signal.Labels);
        Assert.Equal(new Dictionary<string, string> { ["error_rate"] = "0.071", ["window"] = "5m" }, signal.Annotations);
        Assert.Equal([new SignalLink("https://grafana.example/d/checkout", "Checkout dashboard"), new SignalLink("https://example.invalid", "pdjs acceptance")], signal.Links);
        Assert.Equal(TestClock.Start, signal.StartsAt);
        Assert.Equal(SignalSources.PagerDuty, signal.Source);
        Assert.Equal(body.GetRawText(), signal.RawPayload);
    }

    [Fact]
    public void Acknowledge_keeps_the_symptom_firing_and_marks_it_acknowledged()
    {
        var signal = PagerDutyEventsParser.Parse(Fixture(RealSenderRequest.PagerDutyAcknowledge), Context()).Value!;

        Assert.Equal(SignalStatus.Firing, signal.Status);
        Assert.True(signal.Acknowledged);
        Assert.Equal(PagerDutyEventsParser.FingerprintOf(TestCatalog.CheckoutRoutingKey, "checkout-5xx"), signal.Fingerprint);
    }

    [Fact]
    public void Resolve_resolves_the_same_symptom()
    {
        var signal = PagerDutyEventsParser.Parse(Fixture(RealSenderRequest.PagerDutyResolve), Context()).Value!;

        Assert.Equal(SignalStatus.Resolved, signal.Status);
        Assert.Equal(TestClock.Start, signal.EndsAt);
        Assert.Equal(PagerDutyEventsParser.FingerprintOf(TestCatalog.CheckoutRoutingKey, "checkout-5xx"), signal.Fingerprint);
    }

    [Fact]
    public void A_trigger_without_dedup_key_gets_a_new_one()
    {
        var body = Json("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}""");

        var signal = PagerDutyEventsParser.Parse(body, Context()).Value!;

        Assert.Matches("^[0-9a-f]{32}$", signal.DedupKey);
        Assert.Equal(PagerDutyEventsParser.FingerprintOf("k", signal.DedupKey!), signal.Fingerprint);
    }

    [Fact]
    public void The_same_dedup_key_under_two_routing_keys_is_two_symptoms()
    {
        Assert.NotEqual(PagerDutyEventsParser.FingerprintOf("one", "k"), PagerDutyEventsParser.FingerprintOf("two", "k"));
    }

    [Fact]
    public void Flattens_nested_custom_details_to_strings()
    {
        var body = Json("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"error","timestamp":"2015-07-17T08:42:58.315+0000","custom_details":{"a":{"b":true,"c":null},"list":[1,2]}}}""");

        var signal = PagerDutyEventsParser.Parse(body, Context()).Value!;

        Assert.Equal(new Dictionary<string, string> { ["a.b"] = "true", ["a.c"] = "", ["list"] = "[1,2]" }, signal.Annotations);
        Assert.Equal(new DateTimeOffset(2015, 7, 17, 8, 42, 58, 315, TimeSpan.Zero), signal.StartsAt);
    }

    [Fact]
    public void Custom_details_that_are_text_are_kept_under_custom_details()
    {
        var body = Json("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"error","custom_details":"disk full"}}""");

        Assert.Equal("disk full", PagerDutyEventsParser.Parse(body, Context()).Value!.Annotations["custom_details"]);
    }

    [Theory]
    [InlineData("""{"routing_key":"k","event_action":"acknowledge"}""", "dedup_key")]
    [InlineData("""{"routing_key":"k","event_action":"resolve","dedup_key":""}""", "dedup_key")]
    [InlineData("""{"event_action":"resolve","dedup_key":"d"}""", "routing_key")]
    [InlineData("""{"routing_key":"k","dedup_key":"d"}""", "event_action")]
    [InlineData("""{"routing_key":"k","event_action":"TRIGGER","payload":{"summary":"s","source":"h","severity":"info"}}""", "event_action")]
    [InlineData("""{"routing_key":"k","event_action":"trigger"}""", "payload")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"source":"h","severity":"info"}}""", "payload.summary")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","severity":"info"}}""", "payload.source")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h"}}""", "payload.severity")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"fatal"}}""", "payload.severity")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info","timestamp":"soon"}}""", "payload.timestamp")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"},"links":[{"text":"t"}]}""", "links[0].href")]
    [InlineData("""{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"},"images":[{"alt":"t"}]}""", "images[0].src")]
    [InlineData("""["routing_key"]""", "$")]
    public void Names_the_field_that_is_wrong(string json, string field)
    {
        var result = PagerDutyEventsParser.Parse(Json(json), Context());

        Assert.Null(result.Value);
        Assert.Contains(field, result.Errors.Keys);
    }

    [Fact]
    public void A_summary_over_1024_characters_is_rejected()
    {
        var body = Json($$$"""{"routing_key":"k","event_action":"trigger","payload":{"summary":"{{{new string('x', 1025)}}}","source":"h","severity":"info"}}""");

        var result = PagerDutyEventsParser.Parse(body, Context());

        Assert.Contains("1024", Assert.Single(result.Errors["payload.summary"]), StringComparison.Ordinal);
    }
}
