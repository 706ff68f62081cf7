using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ops.Cli.Configuration;
using Ops.Contracts;

namespace Ops.Cli.Gateway;

/// <summary>
/// The gateway's <c>/api/v1</c> surface over HTTP. Every request carries <c>X-Ops-Actor</c> (and the bearer token
/// when one is configured); every failure becomes an <see cref="OpsctlException"/> with the exit code that
/// matches it: 404 → not found, 409 → conflict, other 4xx → invalid, 5xx / no answer → unavailable.
/// </summary>
internal sealed class GatewayClient : IDisposable
{
    public const string ActorHeader = "X-Ops-Actor";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;

    public GatewayClient(OpsctlSettings settings)
    {
        Settings = settings;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = settings.Gateway,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Add(ActorHeader, settings.Actor);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("opsctl", typeof(GatewayClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(settings.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }
    }

    public OpsctlSettings Settings { get; }

    /// <summary>GET <paramref name="path"/>; <paramref name="subject"/> names what was asked for in a bare 404.</summary>
    public Task<GatewayResponse> GetAsync(string path, string subject, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, subject, cancellationToken);

    /// <summary>POST a JSON body (the actor is the caller's to include).</summary>
    public Task<GatewayResponse> PostJsonAsync(string path, object body, string subject, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new StringContent(JsonSerializer.Serialize(body, OpsJson.Options), Encoding.UTF8, "application/json"), subject, cancellationToken);

    /// <summary>POST YAML catalog documents.</summary>
    public Task<GatewayResponse> PostYamlAsync(string path, string yaml, string subject, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new StringContent(yaml, Encoding.UTF8, "application/yaml"), subject, cancellationToken);

    /// <summary>POST without a body (the actor travels in the header).</summary>
    public Task<GatewayResponse> PostAsync(string path, string subject, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, null, subject, cancellationToken);

    /// <summary>A path segment, escaped.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary><c>?a=1&amp;b=2</c> from the parameters that have a value; empty when none has.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    public void Dispose() => _http.Dispose();

    private async Task<GatewayResponse> SendAsync(HttpMethod method, string path, HttpContent? content, string subject, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new OpsctlException(
                ExitCode.Unavailable,
                $"the gateway at {Settings.Gateway} is unreachable ({Innermost(e).Message}); is the silo running? Set the address with --gateway or {OpsctlSettings.GatewayVariable}.",
                e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OpsctlException(ExitCode.Unavailable, $"the gateway at {Settings.Gateway} did not answer {method} {path} within {RequestTimeout.TotalSeconds:0} s.", e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return new GatewayResponse(body);
            }

            var problem = GatewayProblem.From(response.StatusCode, body);
            throw new OpsctlException(ExitCodeOf(response.StatusCode), problem.Describe(subject), problem: problem);
        }
    }

    /// <summary>The exit code a gateway status means.</summary>
    public static ExitCode ExitCodeOf(HttpStatusCode status) => (int)status switch
    {
        404 => ExitCode.NotFound,
        409 => ExitCode.Conflict,
        >= 400 and < 500 => ExitCode.Invalid,
        _ => ExitCode.Unavailable,
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
