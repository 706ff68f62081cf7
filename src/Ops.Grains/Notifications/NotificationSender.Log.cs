using Microsoft.Extensions.Logging;
using Ops.Contracts.Catalog;

namespace Ops.Grains.Notifications;

internal sealed partial class NotificationSender
{
    [LoggerMessage(7201, LogLevel.Warning, "Delivering incident {IncidentId} to {Recipient} through a {Kind} channel at {Host} failed after {Attempts} attempt(s): {Error}. Check the channel's URL in the catalog and that the receiver is up")]
    private static partial void LogDeliveryFailed(ILogger logger, ChannelKind kind, string host, string incidentId, string recipient, int attempts, string? error);
}
