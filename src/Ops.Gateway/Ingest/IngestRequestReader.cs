using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Ops.Contracts.Signals;
using Ops.Runtime.Diagnostics;

namespace Ops.Gateway.Ingest;

/// <summary>A request body read as JSON, or the problem to answer instead.</summary>
internal readonly record struct JsonBody(JsonDocument? Document, IResult? Problem);

/// <summary>
/// The request-side checks every ingest endpoint shares, in order: the body is declared as uncompressed UTF-8 JSON
/// (else 415), is at most <see cref="IngestOptions.MaxBodyBytes"/> (else 413) and is well-formed JSON (else 400
/// naming line and byte). Also builds the <see cref="IngestContext"/> (receipt time, sender) and logs rejections.
/// </summary>
internal sealed partial class IngestRequestReader
{
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 64 };

    private readonly TimeProvider _time;
    private readonly IOptions<IngestOptions> _options;
    private readonly ILogger<IngestRequestReader> _logger;
    private readonly IngestInstruments? _instruments;

    public IngestRequestReader(TimeProvider time, IOptions<IngestOptions> options, ILogger<IngestRequestReader> logger, IngestInstruments? instruments = null)
    {
        _time = time;
        _options = options;
        _logger = logger;
        _instruments = instruments;
    }

    /// <summary>Receipt time (now), the sender and the options a parser needs.</summary>
    public IngestContext ContextFor(HttpContext http)
    {
        var options = _options.Value;
        return new IngestContext(_time.GetUtcNow(), SenderOf(http), options.ProductLabel, options.ResolveTimeout);
    }

    /// <summary>Who sent the request: <c>{remote ip} {User-Agent}</c> (either part may be missing).</summary>
    public static string SenderOf(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "-";
        var agent = http.Request.Headers.UserAgent.ToString();
        return agent.Length == 0 ? address : $"{address} {agent}";
    }

    /// <summary>Reads and parses the body; the caller owns (disposes) the document.</summary>
    public async Task<JsonBody> ReadJsonAsync(HttpContext http, string format, bool pagerDuty, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var maxBytes = _options.Value.MaxBodyBytes;
        if (UnsupportedContent(request) is { } unsupported)
        {
            return Rejected(http, format, IngestProblems.UnsupportedMediaType(unsupported), unsupported);
        }

        if (request.ContentLength > maxBytes)
        {
            return Rejected(http, format, IngestProblems.TooLarge(maxBytes), $"{request.ContentLength} bytes declared");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && limit.MaxRequestBodySize < maxBytes + 1L)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        byte[] bytes;
        try
        {
            var result = await request.BodyReader.ReadAtLeastAsync(maxBytes + 1, cancellationToken);
            if (result.Buffer.Length > maxBytes)
            {
                request.BodyReader.AdvanceTo(result.Buffer.End);
                return Rejected(http, format, IngestProblems.TooLarge(maxBytes), "body over the limit");
            }

            bytes = result.Buffer.ToArray();
            request.BodyReader.AdvanceTo(result.Buffer.End);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Rejected(http, format, IngestProblems.TooLarge(maxBytes), "body over the limit");
        }

        if (bytes.Length == 0)
        {
            return Rejected(http, format, IngestProblems.EmptyBody(format, pagerDuty), "empty body");
        }

        try
        {
            return new JsonBody(JsonDocument.Parse(bytes, s_documentOptions), null);
        }
        catch (JsonException exception)
        {
            return Rejected(http, format, IngestProblems.MalformedJson(exception, format, pagerDuty), exception.Message);
        }
    }

    /// <summary>The 400 answer for a body that parsed as JSON but is not a valid request; logged for the operator.</summary>
    public IResult Invalid(HttpContext http, string format, IDictionary<string, string[]> errors, bool pagerDuty)
    {
        var first = errors.First();
        LogRejected(format, SenderOf(http), StatusCodes.Status400BadRequest, $"{first.Key}: {first.Value[0]}");
        _instruments?.RecordRejected(FormatLabel(format), StatusCodes.Status400BadRequest);
        return IngestProblems.Invalid(errors, format, pagerDuty);
    }

    private JsonBody Rejected(HttpContext http, string format, IResult problem, string reason)
    {
        var status = (problem as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status400BadRequest;
        LogRejected(format, SenderOf(http), status, reason);
        _instruments?.RecordRejected(FormatLabel(format), status);
        return new JsonBody(null, problem);
    }

    /// <summary>The <c>format</c> label of the ingest metrics: the wire format's <see cref="SignalSources"/> name.</summary>
    private static string FormatLabel(string format) => format switch
    {
        "Alertmanager webhook" => SignalSources.AlertmanagerWebhook,
        "Alertmanager /api/v2/alerts" => SignalSources.AlertmanagerApi,
        "PagerDuty Events v2" => SignalSources.PagerDuty,
        "PagerDuty change event" => "pagerduty-change",
        "generic signals" => SignalSources.Generic,
        _ => format,
    };

    private static string? UnsupportedContent(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Encoding \"{encoding}\" is not supported.";
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return request.ContentType is null ? "The request has no Content-Type." : $"Content-Type \"{request.ContentType}\" is not a media type.";
        }

        var json = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (!json)
        {
            return $"Content-Type \"{mediaType.MediaType}\" is not JSON.";
        }

        var charset = mediaType.Charset.ToString();
        return charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"charset \"{charset}\" is not supported.";
    }

    [LoggerMessage(7003, LogLevel.Information, "Rejected a {Format} request from {Sender} with {Status}: {Reason}. Nothing was stored; the sender must fix its request")]
    private partial void LogRejected(string format, string sender, int status, string reason);
}
