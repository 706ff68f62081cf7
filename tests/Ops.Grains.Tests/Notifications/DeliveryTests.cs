using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Notifications;
using Ops.Grains.Tests.Infrastructure;

namespace Ops.Grains.Tests.Notifications;

public sealed class DeliveryTests : IAsyncLifetime
{
    private static readonly PageNotice s_notice = new()
    {
        IncidentId = "inc-2",
        Title = "Search latency",
        Severity = Severity.Sev2,
        Reason = "paged",
        Recipient = "search-team",
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
    public async Task A_rejected_delivery_is_reported_with_its_status_code_and_not_retried()
    {
        _receiver.Respond = (_, _) => (400, "invalid_payload");

        var delivery = await _services.Sender.SendAsync(Channel(), s_notice, "page-2", CancellationToken.None);

        Assert.False(delivery.Delivered);
        Assert.Equal(400, delivery.StatusCode);
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("400", delivery.Error);
        Assert.Equal("page-2", delivery.IdempotencyKey);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_then_reported_undelivered()
    {
        _receiver.Respond = (_, _) => (500, "");

        var delivery = await _services.Sender.SendAsync(Channel(), s_notice, "page-2", CancellationToken.None);

        Assert.False(delivery.Delivered);
        Assert.Equal(500, delivery.StatusCode);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal(4, _receiver.Received.Count);
    }

    [Fact]
    public async Task A_429_then_200_is_delivered_on_the_second_attempt_with_the_same_idempotency_key()
    {
        _receiver.Respond = (call, _) => call == 0 ? (429, "slow down") : (200, "ok");

        var delivery = await _services.Sender.SendAsync(Channel(), s_notice, "page-2", CancellationToken.None);

        Assert.True(delivery.Delivered, delivery.Error);
        Assert.Equal(200, delivery.StatusCode);
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(["page-2", "page-2"], _receiver.Received.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task An_unreachable_receiver_is_reported_undelivered_without_a_status_code()
    {
        var port = _receiver.BaseUrl.Port;
        await _receiver.DisposeAsync();
        _receiver = await LoopbackReceiver.StartAsync();
        using var services = new OutboundServices(new Dictionary<string, string?> { ["Notifications:MaxRetryAttempts"] = "1" });

        var delivery = await services.Sender.SendAsync(new ChannelSpec(ChannelKind.Slack, $"http://127.0.0.1:{port}/hook"), s_notice, "page-2", CancellationToken.None);

        Assert.False(delivery.Delivered);
        Assert.Null(delivery.StatusCode);
        Assert.Equal(2, delivery.Attempts);
        Assert.NotNull(delivery.Error);
        Assert.Equal($"http://127.0.0.1:{port}/hook", delivery.Channel);
    }

    [Fact]
    public async Task A_channel_url_that_is_not_http_is_reported_undelivered()
    {
        var delivery = await _services.Sender.SendAsync(new ChannelSpec(ChannelKind.Webhook, "file:///etc/passwd"), s_notice, "page-2", CancellationToken.None);

        Assert.False(delivery.Delivered);
        Assert.Equal(0, delivery.Attempts);
    }

    [Fact]
    public async Task Cancellation_is_the_only_thing_that_throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _services.Sender.SendAsync(Channel(), s_notice, "page-2", cancelled.Token));
    }

    private ChannelSpec Channel() => new(ChannelKind.Webhook, _receiver.Url("/hook"));
}
