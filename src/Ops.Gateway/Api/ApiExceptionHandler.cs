using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Ops.Catalog;

namespace Ops.Gateway.Api;

/// <summary>
/// Maps domain failures to RFC 7807 problems: an unknown entity 404, a state that forbids the action 409, a catalog
/// change that lost every save race to other silos 409 (with <c>Retry-After</c>), invalid input 400 naming the field
/// (the exception's parameter name) in <c>errors</c>.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case CatalogChangeConflictException:
                // Other silos kept saving catalog changes first: nothing was applied, and a retry is expected to land.
                httpContext.Response.Headers.RetryAfter = "1";
                problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The catalog was changed concurrently; retry", Detail = exception.Message };
                break;
            case KeyNotFoundException:
                problem = new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = exception.Message };
                break;
            case InvalidOperationException:
                problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The action does not apply in the current state", Detail = exception.Message };
                break;
            case ArgumentException argument when argument is not ArgumentNullException || argument.ParamName is not null:
                var field = argument.ParamName ?? "body";
                problem = new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [StripParameter(argument.Message)] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = $"Invalid {field}",
                    Detail = StripParameter(argument.Message),
                };
                break;
            case BadHttpRequestException { InnerException: System.Text.Json.JsonException json } bad:
                var path = string.IsNullOrEmpty(json.Path) ? "body" : json.Path;
                problem = new ValidationProblemDetails(new Dictionary<string, string[]> { [path] = [json.Message] })
                {
                    Status = bad.StatusCode,
                    Title = $"The request body could not be read at {path}",
                    Detail = json.Message,
                };
                break;
            case BadHttpRequestException bad:
                problem = new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read", Detail = bad.InnerException?.Message ?? bad.Message };
                break;
            default:
                return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    private static string StripParameter(string message)
    {
        var index = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return index > 0 ? message[..index] : message;
    }
}
