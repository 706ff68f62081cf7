using Microsoft.AspNetCore.Http;
using Ops.Contracts.Grains;

namespace Ops.Gateway.Api;

/// <summary>Who did it: every human action names its actor (the auth issue will fill it from the caller's identity).</summary>
public record HumanAction
{
    /// <summary>The person acting; the <c>X-Ops-Actor</c> header is used when absent.</summary>
    public string? Actor { get; init; }
}

/// <summary>A note on an incident.</summary>
public sealed record NoteRequest : HumanAction
{
    public string? Text { get; init; }
}

/// <summary>Resolution of an incident with the structured fix the rule of three learns from.</summary>
public sealed record ResolveRequest : HumanAction
{
    public StructuredFix? Fix { get; init; }
}

/// <summary>Transfer of a product (with its runbooks) to another builder.</summary>
public sealed record TransferRequest : HumanAction
{
    public string? To { get; init; }
}

/// <summary>Toil recorded by a builder.</summary>
public sealed record ToilRequest : HumanAction
{
    public string? Product { get; init; }

    public double Minutes { get; init; }
}

/// <summary>Resolves the actor of a human action and rejects an action without one.</summary>
internal static class Actors
{
    public const string Header = "X-Ops-Actor";

    public static string Require(HumanAction? body, HttpContext context)
    {
        var actor = body?.Actor;
        if (string.IsNullOrWhiteSpace(actor))
        {
            actor = context.Request.Headers[Header].ToString();
        }

        if (string.IsNullOrWhiteSpace(actor))
        {
            throw new ArgumentException($"actor is required (in the body or the {Header} header): every human action is attributed.", "actor");
        }

        return actor.Trim();
    }
}
