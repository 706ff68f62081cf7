using System.Diagnostics;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The spans of the ops loop's outbound calls (source <see cref="OpsTracing.Loop"/>): a remediation step and a
/// notification delivery, each a child of the turn that made it. Outbound HTTP requests made while one is current
/// carry its <c>traceparent</c> (the HTTP client propagates the current activity).
/// </summary>
public static class LoopTracing
{
    /// <summary>The name of a remediation step's span.</summary>
    public const string RemediationStep = "remediation step";

    /// <summary>The name of a notification delivery's span.</summary>
    public const string NotificationDelivery = "notification deliver";

    /// <summary>Starts the span of one remediation (or diagnostic) step; null when nothing listens.</summary>
    public static Activity? StartRemediationStep(string product, string step, string kind, string idempotencyKey, bool diagnostic)
    {
        var span = OpsTracing.Loop.StartActivity(RemediationStep, ActivityKind.Client);
        span?.SetTag("ops.product", product)
            .SetTag("remediation.step", step)
            .SetTag("remediation.step.kind", kind)
            .SetTag("remediation.diagnostic", diagnostic)
            .SetTag("remediation.idempotency_key", idempotencyKey);
        return span;
    }

    /// <summary>Records a step's outcome on its span (no-op for null).</summary>
    public static void EndRemediationStep(Activity? span, bool succeeded, int attempts, int? statusCode, string? error)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("remediation.succeeded", succeeded).SetTag("remediation.attempts", attempts);
        if (statusCode is { } status)
        {
            span.SetTag("http.response.status_code", status);
        }

        if (!succeeded)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    /// <summary>Starts the span of one notification delivery (a page or a notice); null when nothing listens.</summary>
    public static Activity? StartNotification(string channelKind, string subject, string reason, string recipient)
    {
        var span = OpsTracing.Loop.StartActivity(NotificationDelivery, ActivityKind.Client);
        span?.SetTag("notification.channel", channelKind)
            .SetTag("notification.subject", subject)
            .SetTag("notification.reason", reason)
            .SetTag("notification.recipient", recipient);
        return span;
    }

    /// <summary>Records a delivery's outcome on the current notification span, if that is what is current.</summary>
    public static void EndNotification(bool delivered, int attempts, int? statusCode, string? error)
    {
        if (Activity.Current is not { OperationName: NotificationDelivery } span || span.Source != OpsTracing.Loop)
        {
            return;
        }

        span.SetTag("notification.delivered", delivered).SetTag("notification.attempts", attempts);
        if (statusCode is { } status)
        {
            span.SetTag("http.response.status_code", status);
        }

        if (!delivered)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
