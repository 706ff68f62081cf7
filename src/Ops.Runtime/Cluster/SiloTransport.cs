using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ops.Runtime.Diagnostics;
using Ops.Runtime.Messaging;
using Ops.Runtime.Partitioning;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Cluster;

/// <summary>How a forwarded request ended, as the sender sees it.</summary>
internal enum ForwardOutcome
{
    /// <summary>The owner ran it: the result (or the grain's exception) is final.</summary>
    Done,

    /// <summary>The receiver does not serve the partition (421): refresh the map and retry. Nothing ran.</summary>
    NotOwner,

    /// <summary>The receiver owns it but cannot serve it now (draining, self-fenced, stopping; 503). Nothing ran.</summary>
    Unavailable,

    /// <summary>The request never reached the receiver (connection refused): retry. Nothing ran.</summary>
    NotSent,
}

/// <summary>
/// The silo-to-silo transport: an internal Kestrel endpoint speaking HTTP/2 cleartext only (prior knowledge, no
/// TLS, no HTTP/1.1), separate from the public gateway port, and the client that calls other silos' endpoints.
/// </summary>
/// <remarks>
/// Wire: <c>POST /_rt/v1/invoke</c> (a grain call: JSON envelope in, JSON result out), <c>POST /_rt/v1/inbox</c>
/// (inbox appends for partitions the receiver owns), <c>GET /_rt/v1/ping</c>. Headers <c>traceparent</c> (W3C) and
/// <c>rt-silo</c> (the sender). Answers: 200 result; 421 + <c>rt-error: NotOwner</c> when the receiver does not
/// serve the partition; 503 + <c>rt-error: Unavailable</c> when it owns it but is draining, self-fenced or stopping;
/// 500 + a <see cref="WireError"/> body when the grain threw. The receiver never forwards again (two hops at most).
/// </remarks>
internal sealed class SiloTransport : IAsyncDisposable
{
    public const string InvokePath = "/_rt/v1/invoke";
    public const string InboxPath = "/_rt/v1/inbox";
    public const string PingPath = "/_rt/v1/ping";

    private readonly Silo _silo;
    private readonly Dictionary<string, (GrainInterfaceInfo Interface, GrainMethod Method)> _methods;
    private readonly HttpMessageInvoker _client;
    private WebApplication? _server;
    private long _forwarded;
    private long _http2Responses;
    private long _received;
    private long _refused;

    public SiloTransport(Silo silo)
    {
        _silo = silo;
        _methods = [];
        foreach (var grainInterface in silo.Registry.Interfaces)
        {
            foreach (var method in grainInterface.Methods)
            {
                _methods.TryAdd(method.WireName, (grainInterface, method));
            }
        }

        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),

            // traceparent is set explicitly from the runtime's own activity.
            ActivityHeadersPropagator = null,
        });
    }

    /// <summary>The port the internal endpoint listens on (0 before start).</summary>
    public int Port { get; private set; }

    /// <summary>Calls this silo forwarded to another silo.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Responses to forwarded calls that came back over HTTP/2.</summary>
    public long Http2Responses => Interlocked.Read(ref _http2Responses);

    /// <summary>Requests this silo received on its internal endpoint.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Forwarded requests other silos refused with NotOwner (421) or Unavailable (503): stale routes retried.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        var address = ListenAddress(_silo.Options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(address, _silo.Options.SiloPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton<ILoggerFactory>(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);
        _server = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(bound).Port;
        _silo.Log.TransportListening(bound);
    }

    /// <summary>
    /// Stops accepting requests: graceful (in-flight requests finish within a short timeout), or at once as a crash
    /// would (connections are aborted).
    /// </summary>
    public async Task StopAsync(bool immediately = false)
    {
        if (_server is { } server)
        {
            _server = null;
            using var timeout = new CancellationTokenSource(immediately ? TimeSpan.Zero : TimeSpan.FromSeconds(2));
            try
            {
                await server.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
    }

    /// <summary>Sends a call to the silo at <paramref name="address"/>; completes the call unless the outcome says to retry.</summary>
    public async Task<(ForwardOutcome Outcome, string Detail)> InvokeAsync(Uri address, GrainId target, GrainCall call, CancellationToken cancellationToken)
    {
        var method = call.Method;
        using var activity = OpsTracing.Runtime.StartActivity($"forward {method.Name}", ActivityKind.Client);
        activity?.SetTag("rt.grain", target.ToString());
        using var request = NewRequest(address, InvokePath, new ByteArrayContent(WriteEnvelope(target, call)), activity);
        request.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return (ForwardOutcome.NotSent, exception.Message);
        }

        using (response)
        {
            Interlocked.Increment(ref _forwarded);
            if (response.Version == HttpVersion.Version20)
            {
                Interlocked.Increment(ref _http2Responses);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    call.CompleteFromWire(body, _silo.Serializer);
                    return (ForwardOutcome.Done, string.Empty);
                case HttpStatusCode.MisdirectedRequest:
                    Interlocked.Increment(ref _refused);
                    return (ForwardOutcome.NotOwner, System.Text.Encoding.UTF8.GetString(body));
                case HttpStatusCode.ServiceUnavailable:
                    Interlocked.Increment(ref _refused);
                    return (ForwardOutcome.Unavailable, System.Text.Encoding.UTF8.GetString(body));
                default:
                    call.Fail(WireError.Parse(body)?.ToException() ?? new RemoteGrainException($"HTTP {(int)response.StatusCode}", $"The silo at {address} answered {(int)response.StatusCode} to {method.Name} on {target}."));
                    return (ForwardOutcome.Done, string.Empty);
            }
        }
    }

    /// <summary>Appends records at the silo at <paramref name="address"/>, which must own all their partitions.</summary>
    public async Task<(ForwardOutcome Outcome, InboxReceipt?[]? Receipts, string Detail)> AppendAsync(Uri address, IReadOnlyList<InboxAppend> records, CancellationToken cancellationToken)
    {
        using var activity = OpsTracing.Runtime.StartActivity("forward inbox append", ActivityKind.Client);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var record in records)
            {
                writer.WriteStartObject();
                writer.WriteString("grain", record.Recipient.ToString());
                writer.WriteString("kind", record.Kind);
                writer.WriteBase64String("payload", record.Payload.Span);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var request = NewRequest(address, InboxPath, new ReadOnlyMemoryContent(buffer.WrittenMemory), activity);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return (ForwardOutcome.NotSent, null, exception.Message);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The owner went away after the request left: the records may or may not be stored. Unavailable (503) tells
            // the sender to retry; a repeat is harmless (signals are deduplicated by fingerprint, messages by id).
            throw new SiloUnavailableException($"The silo at {address} went away during an inbox append ({exception.Message}); the records may or may not be stored: retry.", exception);
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                throw new SiloUnavailableException($"The silo at {address} went away while answering an inbox append ({exception.Message}); the records may or may not be stored: retry.", exception);
            }

            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var receipts = JsonSerializer.Deserialize<long[]?[]>(body)!.Select(r => r is null ? (InboxReceipt?)null : new InboxReceipt((int)r[0], r[1])).ToArray();
                    return (ForwardOutcome.Done, receipts, string.Empty);
                case HttpStatusCode.MisdirectedRequest:
                    return (ForwardOutcome.NotOwner, null, System.Text.Encoding.UTF8.GetString(body));
                case HttpStatusCode.ServiceUnavailable:
                    return (ForwardOutcome.Unavailable, null, System.Text.Encoding.UTF8.GetString(body));
                default:
                    throw WireError.Parse(body)?.ToException() ?? new RemoteGrainException($"HTTP {(int)response.StatusCode}", $"The silo at {address} answered {(int)response.StatusCode} to an inbox append.");
            }
        }
    }

    /// <summary>A POST over HTTP/2 only, naming this silo as the sender and carrying the trace of <paramref name="activity"/>.</summary>
    private HttpRequestMessage NewRequest(Uri address, string path, HttpContent content, Activity? activity)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.Add("rt-silo", _silo.SiloId.ToString());
        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } current)
        {
            request.Headers.Add("traceparent", current.Id);
        }

        return request;
    }

    private byte[] WriteEnvelope(GrainId target, GrainCall call)
    {
        var method = call.Method;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("grain", target.ToString());
            writer.WriteString("method", method.WireName);
            if (call.Deadline != long.MaxValue)
            {
                var remaining = (call.Deadline - _silo.Time.GetTimestamp()) * 1000 / _silo.Time.TimestampFrequency;
                writer.WriteNumber("deadlineMs", Math.Max(0, remaining));
            }

            writer.WritePropertyName("args");
            writer.WriteStartArray();
            for (var i = 0; i < call.Arguments.Length; i++)
            {
                JsonSerializer.Serialize(writer, call.Arguments[i], method.ParameterTypes[i], _silo.Serializer.Options);
            }

            writer.WriteEndArray();
            if (call.Chain is { } chain)
            {
                writer.WritePropertyName("chain");
                writer.WriteStartArray();
                foreach (var link in chain.Links())
                {
                    writer.WriteStartObject();
                    writer.WriteString("grain", link.Grain.ToString());
                    writer.WriteString("silo", link.SiloId);
                    writer.WriteNumber("turn", link.TurnId);
                    writer.WriteBoolean("reentry", link.AllowReentry);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _received);
        var path = context.Request.Path.Value;
        try
        {
            switch (path)
            {
                case InvokePath when HttpMethods.IsPost(context.Request.Method):
                    await HandleInvokeAsync(context);
                    return;
                case InboxPath when HttpMethods.IsPost(context.Request.Method):
                    await HandleInboxAsync(context);
                    return;
                case PingPath:
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync($"{{\"silo\":\"{_silo.SiloId}\",\"protocol\":\"{context.Request.Protocol}\"}}");
                    return;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
            }
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            _silo.Log.InternalRequestFailed(exception, path ?? string.Empty);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.Body.WriteAsync(WireError.From(exception).ToJson());
        }
    }

    private async Task HandleInvokeAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        var root = document.RootElement;
        var target = GrainId.Parse(root.GetProperty("grain").GetString()!);
        var wireName = root.GetProperty("method").GetString()!;
        if (!_methods.TryGetValue(wireName, out var entry))
        {
            await WriteErrorAsync(context, new InvalidOperationException($"This silo does not know grain method {wireName}; are all silos running the same version?"));
            return;
        }

        var (grainInterface, method) = entry;
        ActivityContext.TryParse(context.Request.Headers["traceparent"].ToString(), null, out var parent);
        using var activity = OpsTracing.Runtime.StartActivity($"invoke {method.Name}", ActivityKind.Server, parent);
        activity?.SetTag("rt.grain", target.ToString());

        var partition = _silo.Partitions.GetPartition(target);
        if (!grainInterface.GrainClass.IsStatelessWorker && !_silo.Serves(partition, out var notServing))
        {
            await WriteNotServingAsync(context, partition, notServing);
            return;
        }

        var argsElement = root.GetProperty("args");
        var arguments = new object?[method.ParameterTypes.Length];
        var index = 0;
        foreach (var argument in argsElement.EnumerateArray())
        {
            if (index < arguments.Length)
            {
                arguments[index] = argument.Deserialize(method.ParameterTypes[index], _silo.Serializer.Options);
            }

            index++;
        }

        var call = method.CreateCall(arguments);
        call.Forwarded = true;
        if (method.CopyResult)
        {
            call.Copier = null; // serialized on the way back anyway
        }

        var time = _silo.Time;
        call.Deadline = root.TryGetProperty("deadlineMs", out var deadline)
            ? time.GetTimestamp() + (deadline.GetInt64() * time.TimestampFrequency / 1000)
            : long.MaxValue;
        if (root.TryGetProperty("chain", out var chain))
        {
            call.Chain = ReadChain(chain);
        }

        _silo.Catalog.Dispatch(target, grainInterface.GrainClass, call);
        try
        {
            await call.Completion;
        }
        catch (Exception exception) when (!call.Started && exception is PartitionUnavailableException or SiloUnavailableException)
        {
            // Refused before any turn ran: the sender may safely try the partition's next owner.
            await WriteNotServingAsync(context, partition, exception.Message);
            return;
        }
        catch (Exception exception)
        {
            await WriteErrorAsync(context, exception);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(call.SerializeResult(_silo.Serializer));
    }

    private async Task HandleInboxAsync(HttpContext context)
    {
        ActivityContext.TryParse(context.Request.Headers["traceparent"].ToString(), null, out var parent);
        using var activity = OpsTracing.Runtime.StartActivity("inbox append", ActivityKind.Server, parent);
        using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        var records = new List<InboxAppend>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            records.Add(new InboxAppend(
                GrainId.Parse(item.GetProperty("grain").GetString()!),
                item.GetProperty("kind").GetString()!,
                item.GetProperty("payload").GetBytesFromBase64()));
        }

        foreach (var partition in records.Select(r => _silo.Partitions.GetPartition(r.Recipient)).Distinct())
        {
            if (!_silo.Serves(partition, out var reason))
            {
                await WriteNotServingAsync(context, partition, reason);
                return;
            }
        }

        // One transaction per writer: each record's receipt, or null where its writer refused the batch before storing
        // it (the sender retries those at the refreshed owner).
        var receipts = await _silo.Inbox.AppendLocalPartialAsync(records, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(receipts.Select(r => r is { } receipt ? new[] { receipt.PartitionId, receipt.Offset } : null).ToArray()));
    }

    private Task WriteNotServingAsync(HttpContext context, int partition, string reason)
    {
        // 421 when this silo does not hold the partition at all (the sender's map is stale), 503 when it holds it but
        // cannot serve it right now (draining, self-fenced, stopping).
        var held = _silo.Partitions.Get(partition).Status != PartitionStatus.NotOwned;
        context.Response.StatusCode = held ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status421MisdirectedRequest;
        context.Response.Headers["rt-error"] = held ? "Unavailable" : "NotOwner";
        context.Response.Headers["rt-partition"] = partition.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync($"partition {partition}: {reason}");
    }

    private static Task WriteErrorAsync(HttpContext context, Exception exception)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(WireError.From(exception).ToJson()).AsTask();
    }

    private static CallChainLink? ReadChain(JsonElement chain)
    {
        var links = chain.EnumerateArray().ToList();
        CallChainLink? next = null;
        for (var i = links.Count - 1; i >= 0; i--)
        {
            var link = links[i];
            next = new CallChainLink(
                GrainId.Parse(link.GetProperty("grain").GetString()!),
                link.GetProperty("silo").GetGuid(),
                link.GetProperty("turn").GetInt64(),
                link.GetProperty("reentry").GetBoolean(),
                next);
        }

        return next;
    }

    private static IPAddress ListenAddress(Hosting.SiloOptions options)
    {
        if (options.ListenAddress is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }

        // Loopback when the silo advertises a loopback address (single machine, tests); every interface otherwise.
        return IPAddress.TryParse(options.AdvertisedHost, out var advertised) ? advertised : IPAddress.Any;
    }
}
