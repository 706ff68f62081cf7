using System.Text.Json.Nodes;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Notifications;
using Ops.Grains.Tests.Infrastructure;

namespace Ops.Grains.Tests.Notifications;

/// <summary>What each channel kind receives, asserted on the JSON as it arrived over HTTP.</summary>
public sealed class PayloadTests : IAsyncLifetime
{
    private const string Hostile = "<!channel> *bold* <script>";

    private static readonly PageNotice s_notice = new()
    {
        IncidentId = "inc-1",
        Title = "Checkout errors & <@U123>",
        Severity = Severity.Sev1,
        BlastRadius = BlastRadius.CrossProduct,
        Reason = "paged",
        Recipient = "payments-team",
        Product = "payments",
        Products = ["checkout", "payments"],
        Summary = "error rate 12% [runbook](http://evil)",
        Labels = new Dictionary<string, string> { ["alertname"] = "HighErrorRate", ["pod"] = Hostile },
        Annotations = new Dictionary<string, string> { ["description"] = "#1 _cause_" },
        Link = "https://ops.example/incidents/inc-1",
        At = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero),
        AckDeadline = new DateTimeOffset(2025, 3, 1, 12, 5, 0, TimeSpan.Zero),
    };

    private readonly OutboundServices _services = new();
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _services.Dispose();
    }

    [Fact]
    public async Task A_webhook_receives_the_notice_as_our_json_document_with_its_idempotency_key()
    {
        var json = await DeliverAsync(ChannelKind.Webhook);

        Assert.Equal("ops.page", (string?)json["type"]);
        Assert.Equal("page-1", (string?)json["idempotencyKey"]);
        Assert.Equal("inc-1", (string?)json["incidentId"]);
        Assert.Equal("sev1", (string?)json["severity"]);
        Assert.Equal("cross-product", (string?)json["blastRadius"]);
        Assert.Equal("payments-team", (string?)json["recipient"]);
        Assert.Equal(["checkout", "payments"], json["products"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(Hostile, (string?)json["labels"]!["pod"]);
        Assert.Equal("2025-03-01T12:05:00+00:00", (string?)json["ackDeadline"]);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("page-1", request.Header("Idempotency-Key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task Slack_receives_text_and_mrkdwn_blocks_with_every_value_escaped()
    {
        var json = await DeliverAsync(ChannelKind.Slack);

        Assert.Equal("Sev1 · Checkout errors &amp; &lt;@U123&gt; (Paged payments-team)", (string?)json["text"]);
        var blocks = json["blocks"]!.AsArray();
        Assert.All(blocks.Take(blocks.Count - 1), block => Assert.Equal("section", (string?)block!["type"]));
        Assert.Equal("mrkdwn", (string?)blocks[0]!["text"]!["type"]);
        Assert.True((bool)blocks[0]!["text"]!["verbatim"]!);
        Assert.Equal(
            "*Sev1 · Checkout errors &amp; &lt;@U123&gt;*\nPaged *payments-team* · blast radius cross-product · payments, checkout",
            (string?)blocks[0]!["text"]!["text"]);
        Assert.Equal("*Labels*\nalertname: HighErrorRate\npod: &lt;!channel&gt; *bold* &lt;script&gt;", (string?)blocks[2]!["text"]!["text"]);
        Assert.Equal("context", (string?)blocks[^1]!["type"]);
        Assert.Equal(
            "Incident inc-1 · 2025-03-01 12:00:00 UTC · acknowledge by 2025-03-01 12:05:00 UTC · <https://ops.example/incidents/inc-1|open>",
            (string?)blocks[^1]!["elements"]![0]!["text"]);
        Assert.DoesNotContain("<!channel>", Texts(json));
        Assert.DoesNotContain("<@U123>", Texts(json));
    }

    [Fact]
    public async Task Teams_receives_a_message_card_with_markdown_and_html_shown_literally()
    {
        var json = await DeliverAsync(ChannelKind.Teams);

        Assert.Equal("MessageCard", (string?)json["@type"]);
        Assert.Equal("https://schema.org/extensions", (string?)json["@context"]);
        Assert.Equal("D13438", (string?)json["themeColor"]);
        Assert.Equal("Sev1 · Checkout errors &amp; &lt;@U123&gt;", (string?)json["summary"]);
        var sections = json["sections"]!.AsArray();
        Assert.Equal("error rate 12% \\[runbook\\]\\(http://evil\\)", (string?)sections[0]!["text"]);
        Assert.Contains(sections[0]!["facts"]!.AsArray(), fact => (string?)fact!["name"] == "Severity" && (string?)fact["value"] == "Sev1");
        Assert.Equal("Labels", (string?)sections[1]!["title"]);
        var pod = sections[1]!["facts"]!.AsArray().Single(fact => (string?)fact!["name"] == "pod")!;
        Assert.Equal("&lt;!channel&gt; \\*bold\\* &lt;script&gt;", (string?)pod["value"]);
        Assert.Equal("\\#1 \\_cause\\_", (string?)sections[2]!["facts"]![0]!["value"]);
        Assert.Equal("https://ops.example/incidents/inc-1", (string?)json["potentialAction"]![0]!["targets"]![0]!["uri"]);
    }

    private async Task<JsonObject> DeliverAsync(ChannelKind kind)
    {
        var channel = new ChannelSpec(kind, _receiver.Url("/hook"), "payments-" + kind);

        var delivery = await _services.Sender.SendAsync(channel, s_notice, "page-1", CancellationToken.None);

        Assert.True(delivery.Delivered, delivery.Error);
        Assert.Equal(kind, delivery.Kind);
        Assert.Equal("payments-" + kind, delivery.Channel);
        return JsonNode.Parse(Assert.Single(_receiver.Received).Body)!.AsObject();
    }

    /// <summary>Every string value in the document, as the receiver reads it.</summary>
    private static string Texts(JsonNode? node) => node switch
    {
        JsonObject obj => string.Join("\n", obj.Select(p => Texts(p.Value))),
        JsonArray array => string.Join("\n", array.Select(Texts)),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => "",
    };
}
