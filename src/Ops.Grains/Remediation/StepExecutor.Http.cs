using System.Text;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Remediation;

internal sealed partial class StepExecutor
{
    private const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>
    /// An HTTP step or rollback hook: the filled request is sent once per attempt with the same
    /// <c>Idempotency-Key</c>; a 2xx answer succeeds, anything else fails the step (after retries for transient answers).
    /// </summary>
    private async Task<StepOutcome> RunHttpAsync(RunbookStep step, HttpCallSpec call, StepContext context, CancellationToken cancellationToken)
    {
        if (!TryFillRequest(call, context, out var request, out var error))
        {
            return Failed(step, context, error);
        }

        var target = $"{request.Url.Host}:{request.Url.Port}";
        var client = _httpClients.CreateClient(HttpClientName);
        var (attempt, attempts, failure) = await ExecuteAsync(
            _pipelines.ForHttp(target),
            target,
            step,
            _options.MaxRetryAttempts,
            token => SendAsync(client, request, context.IdempotencyKey, token),
            cancellationToken);

        if (attempt is null)
        {
            return Failed(step, context, failure!, attempts);
        }

        return new StepOutcome
        {
            Step = step.Name,
            Kind = step.Kind,
            Succeeded = attempt.IsSuccess,
            StatusCode = attempt.StatusCode,
            Output = attempt.Body,
            Attempts = attempts,
            Error = attempt.IsSuccess ? null : $"{request.Method} {target} answered {attempt.StatusCode} {attempt.ReasonPhrase}".TrimEnd(),
            IdempotencyKey = context.IdempotencyKey,
        };
    }

    private async Task<HttpAttempt> SendAsync(HttpClient client, FilledRequest filled, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(filled.Method, filled.Url);
        if (filled.Body is not null)
        {
            request.Content = new StringContent(filled.Body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in filled.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.Remove(IdempotencyHeader);
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var text = await BoundedOutput.ReadAsync(body, _options.MaxOutputBytes, cancellationToken);
        return new HttpAttempt((int)response.StatusCode, response.ReasonPhrase, text);
    }

    private static bool TryFillRequest(HttpCallSpec call, StepContext context, out FilledRequest request, out string error)
    {
        request = null!;
        if (!StepTemplate.TryFill(call.Url, context, TemplateEscaping.Url, out var url, out var templateError))
        {
            error = templateError;
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{url}' is not an absolute http(s) URL";
            return false;
        }

        string? body = null;
        if (call.Body is not null && !StepTemplate.TryFill(call.Body, context, TemplateEscaping.Json, out body, out templateError))
        {
            error = templateError;
            return false;
        }

        var headers = new List<KeyValuePair<string, string>>(call.Headers.Count);
        foreach (var (name, template) in call.Headers)
        {
            if (!StepTemplate.TryFill(template, context, TemplateEscaping.Header, out var value, out templateError))
            {
                error = templateError;
                return false;
            }

            headers.Add(new(name, value));
        }

        HttpMethod method;
        try
        {
            method = HttpMethod.Parse(string.IsNullOrWhiteSpace(call.Method) ? "POST" : call.Method.Trim().ToUpperInvariant());
        }
        catch (FormatException)
        {
            error = $"'{call.Method}' is not an HTTP method";
            return false;
        }

        request = new FilledRequest(method, uri, body, headers);
        error = "";
        return true;
    }

    /// <summary>An HTTP call with its templates filled; sent afresh on every attempt.</summary>
    private sealed record FilledRequest(HttpMethod Method, Uri Url, string? Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
}
