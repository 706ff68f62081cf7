using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Notifications;

/// <summary>Delivers a page or notice to one outbound channel (generic webhook, Slack, Teams).</summary>
public interface INotificationSender
{
    /// <summary>
    /// Formats <paramref name="notice"/> for <paramref name="channel"/>'s kind and posts it with the header
    /// <c>Idempotency-Key: <paramref name="idempotencyKey"/></c>, the same on every retry. A delivery failure (non-2xx
    /// answer, network error, timeout, open circuit, bad URL) is reported as <see cref="DeliveryView.Delivered"/> =
    /// false, never thrown; only cancellation of <paramref name="cancellationToken"/> throws.
    /// </summary>
    Task<DeliveryView> SendAsync(ChannelSpec channel, PageNotice notice, string idempotencyKey, CancellationToken cancellationToken);
}
