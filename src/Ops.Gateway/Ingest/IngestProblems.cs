using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Ops.Gateway.Ingest;

/// <summary>
/// The 4xx answers of the ingest endpoints: RFC 7807 <c>application/problem+json</c> bodies with <c>status</c>,
/// <c>title</c>, <c>detail</c> and, for 400, an <c>errors</c> object mapping each JSON field path to what was
/// expected there (ASP.NET's validation problem shape), in every wire format.
/// </summary>
/// <remarks>
/// PagerDuty's own error body is <c>{"status":"invalid event","message":"Event object is invalid","errors":[...]}</c>;
/// its <c>status</c> and <c>errors</c> members collide with the problem-details members of the same names (a number and
/// an object), so PagerDuty endpoints keep the problem-details members and add PagerDuty's <c>message</c>. PagerDuty
/// clients decide by status code (400: do not retry), which is the same.
/// </remarks>
internal static class IngestProblems
{
    /// <summary>PagerDuty's message for an event it rejects.</summary>
    public const string PagerDutyInvalidMessage = "Event object is invalid";

    /// <summary>400: the body is JSON but not a valid request of <paramref name="format"/>.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors, IngestFormat format)
    {
        var first = errors.First();
        var more = errors.Count > 1 ? $" (and {errors.Count - 1} more field(s), see errors)" : "";
        return TypedResults.ValidationProblem(
            errors,
            detail: $"{first.Key}: {first.Value[0]}{more} Nothing was stored; fix the request and send it again.",
            title: $"The request is not a valid {format.Title} request.",
            extensions: format.PagerDuty ? new Dictionary<string, object?> { ["message"] = PagerDutyInvalidMessage } : null);
    }

    /// <summary>400: the body is not JSON; names the line and byte where reading stopped.</summary>
    public static IResult MalformedJson(JsonException exception, IngestFormat format)
    {
        var reason = exception.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        reason = cut > 0 ? reason[..cut] : reason;
        var where = exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {exception.BytePositionInLine + 1}: ")
            : "";
        var errors = new Dictionary<string, string[]> { [exception.Path ?? "$"] = [$"Malformed JSON at {where}{reason}"] };
        return Invalid(errors, format);
    }

    /// <summary>400: the body is empty.</summary>
    public static IResult EmptyBody(IngestFormat format) =>
        Invalid(new Dictionary<string, string[]> { ["$"] = ["Expected a JSON body, found none."] }, format);

    /// <summary>413: the body is larger than <see cref="IngestOptions.MaxBodyBytes"/>.</summary>
    public static IResult TooLarge(int maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large.",
        detail: string.Create(CultureInfo.InvariantCulture, $"At most {maxBytes} bytes are accepted (Ingest:MaxBodyBytes). Nothing was stored; send the alerts in smaller batches."));

    /// <summary>415: the body is not declared as (uncompressed, UTF-8) JSON.</summary>
    public static IResult UnsupportedMediaType(string problem) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "The request body must be JSON.",
        detail: $"{problem} Send Content-Type: application/json (UTF-8, uncompressed). Nothing was stored.");
}
