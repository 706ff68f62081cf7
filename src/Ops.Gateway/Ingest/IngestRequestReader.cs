using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Ops.Runtime.Diagnostics;

namespace Ops.Gateway.Ingest;

/// <summary>A request read and parsed into <typeparamref name="T"/>, or the problem to answer instead.</summary>
internal readonly record struct IngestRequest<T>(T? Value, IResult? Problem)
    where T : class;

/// <summary>
/// The request-side checks every ingest endpoint shares, in order: the body is declared as uncompressed UTF-8 JSON
/// (else 415), is at most <see cref="IngestOptions.MaxBodyBytes"/> (else 413) and is well-formed JSON (else 400
/// naming line and byte), then is a valid request of its format (else 400 naming the fields). Also builds the
/// <see cref="IngestContext"/> (receipt time, sender) and logs and counts rejections.
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

    /// <summary>
    /// Reads the body and parses it with <paramref name="parse"/> (given the request's <see cref="IngestContext"/>,
    /// taken before the body is read): the parsed value, or the 4xx problem to answer, already logged and counted.
    /// </summary>
    public async Task<IngestRequest<T>> ReadAsync<T>(
        HttpContext http,
        IngestFormat format,
        Func<JsonElement, IngestContext, ParseResult<T>> parse,
        CancellationToken cancellationToken)
        where T : class
    {
        var context = ContextFor(http);
        var (document, problem) = await ReadJsonAsync(http, format, cancellationToken);
        if (problem is not null)
        {
            return new(null, problem);
        }

        ParseResult<T> parsed;
        using (document)
        {
            parsed = parse(document!.RootElement, context);
        }

        return parsed.IsValid ? new(parsed.Value, null) : new(null, Invalid(http, format, parsed.Errors));
    }

    /// <summary>Reads and parses the body as JSON; the caller owns (disposes) the document.</summary>
    private async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpContext http, IngestFormat format, CancellationToken cancellationToken)
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
            return Rejected(http, format, IngestProblems.EmptyBody(format), "empty body");
        }

        try
        {
            return (JsonDocument.Parse(bytes, s_documentOptions), null);
        }
        catch (JsonException exception)
        {
            return Rejected(http, format, IngestProblems.MalformedJson(exception, format), exception.Message);
        }
    }

    /// <summary>The 400 answer for a body that parsed as JSON but is not a valid request; logged for the operator.</summary>
    public IResult Invalid(HttpContext http, IngestFormat format, IDictionary<string, string[]> errors)
    {
        var first = errors.First();
        LogRejected(format.Title, SenderOf(http), StatusCodes.Status400BadRequest, $"{first.Key}: {first.Value[0]}");
        _instruments?.RecordRejected(format.MetricLabel, StatusCodes.Status400BadRequest);
        return IngestProblems.Invalid(errors, format);
    }

    private (JsonDocument? Document, IResult? Problem) Rejected(HttpContext http, IngestFormat format, IResult problem, string reason)
    {
        var status = (problem as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status400BadRequest;
        LogRejected(format.Title, SenderOf(http), status, reason);
        _instruments?.RecordRejected(format.MetricLabel, status);
        return (null, problem);
    }

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
