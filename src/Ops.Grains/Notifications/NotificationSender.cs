using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Runtime.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Ops.Grains.Notifications;

/// <summary>
/// The <see cref="INotificationSender"/> of the silo: formats a notice for its channel kind
/// (<see cref="WebhookPayload"/>, <see cref="SlackPayload"/>, <see cref="TeamsPayload"/>) and posts it through the
/// named HTTP client <see cref="HttpClientName"/> and the pipeline of the channel's host.
/// </summary>
internal sealed partial class NotificationSender : INotificationSender, IDisposable
{
    /// <summary>The named <see cref="HttpClient"/> deliveries go through.</summary>
    public const string HttpClientName = "ops-notifications";

    private const string IdempotencyHeader = "Idempotency-Key";
    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };

    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<NotificationSender> _logger;
    private readonly NotificationPipelines _pipelines;
    private readonly LoopInstruments? _instruments;

    public NotificationSender(IHttpClientFactory httpClients, IOptions<NotificationOptions> options, TimeProvider timeProvider, ILogger<NotificationSender> logger, LoopInstruments? instruments = null)
    {
        _httpClients = httpClients;
        _timeProvider = timeProvider;
        _logger = logger;
        _instruments = instruments;
        _pipelines = new NotificationPipelines(options.Value, timeProvider);
    }

    public async Task<DeliveryView> SendAsync(ChannelSpec channel, PageNotice notice, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        using var span = LoopTracing.StartNotification(KindLabel(channel.Kind), notice.IncidentId, notice.Reason, notice.Recipient);

        if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Report(channel, notice, idempotencyKey, new Delivery { Error = "the channel's URL is not an absolute http(s) URL" });
        }

        JsonObject payload = channel.Kind switch
        {
            ChannelKind.Slack => SlackPayload.Create(notice),
            ChannelKind.Teams => TeamsPayload.Create(notice),
            _ => WebhookPayload.Create(notice, idempotencyKey),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        var host = $"{url.Host}:{url.Port}";
        var delivery = new Delivery();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var attempt = await _pipelines.ForHost(host).ExecuteAsync(
                async (ctx, state) => await PostAsync(state, url, body, idempotencyKey, ctx.CancellationToken),
                context,
                delivery);
            delivery.Delivered = attempt.IsSuccess;
            delivery.Error = attempt.IsSuccess ? null : $"{host} answered {attempt.StatusCode} {attempt.ReasonPhrase}".TrimEnd();
        }
        catch (BrokenCircuitException)
        {
            delivery.Error = $"circuit open for {host}";
        }
        catch (TimeoutRejectedException exception)
        {
            delivery.Error = $"timed out after {exception.Timeout.TotalSeconds:0.###} s";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            delivery.Error = $"{exception.GetType().Name}: {exception.Message}";
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return Report(channel, notice, idempotencyKey, delivery, host);
    }

    public void Dispose() => _pipelines.Dispose();

    private async Task<DeliveryAttempt> PostAsync(Delivery delivery, Uri url, byte[] body, string idempotencyKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref delivery.Attempts);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        using var response = await _httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        delivery.StatusCode = (int)response.StatusCode;
        return new DeliveryAttempt((int)response.StatusCode, response.ReasonPhrase);
    }

    private DeliveryView Report(ChannelSpec channel, PageNotice notice, string idempotencyKey, Delivery delivery, string? host = null)
    {
        _instruments?.RecordNotification(KindLabel(channel.Kind), delivery.Delivered);
        LoopTracing.EndNotification(delivery.Delivered, delivery.Attempts, delivery.StatusCode, delivery.Error);
        if (!delivery.Delivered)
        {
            LogDeliveryFailed(_logger, channel.Kind, host ?? "(no host)", notice.IncidentId, notice.Recipient, delivery.Attempts, delivery.Error);
        }

        return new DeliveryView
        {
            Channel = channel.Name ?? channel.Url,
            Kind = channel.Kind,
            Delivered = delivery.Delivered,
            StatusCode = delivery.StatusCode,
            Attempts = delivery.Attempts,
            Error = delivery.Error,
            At = _timeProvider.GetUtcNow(),
            IdempotencyKey = idempotencyKey,
        };
    }

    /// <summary>The <c>channel</c> label of a delivery: webhook, slack or teams.</summary>
    private static string KindLabel(ChannelKind kind) => kind switch
    {
        ChannelKind.Slack => "slack",
        ChannelKind.Teams => "teams",
        _ => "webhook",
    };

    /// <summary>What one delivery saw across its attempts (the last answer's status, how many attempts).</summary>
    private sealed class Delivery
    {
        public int Attempts;
        public int? StatusCode;
        public bool Delivered;
        public string? Error;
    }
}
