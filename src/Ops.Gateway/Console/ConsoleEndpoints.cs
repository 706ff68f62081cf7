using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Ops.Gateway.Console;

/// <summary>
/// The web console: a few static files (HTML, CSS, ES modules, no framework, no build step) embedded in this
/// assembly and served from it, so <c>dotnet run</c> and a published silo serve the same console with nothing on
/// disk. Assets answer at <c>/console/{path}</c>; the page itself answers at <c>/</c> for browsers (see
/// <see cref="ServeConsoleToBrowsers"/>). Everything the page loads comes from the silo: no CDN, no web fonts.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>Maps <c>GET</c> and <c>HEAD</c> <c>/console/{path}</c> to the embedded assets (404 for anything else under <c>/console/</c>).</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/console", () => TypedResults.Redirect("/")).ExcludeFromDescription();
        routes.MapMethods("/console/{**path}", [HttpMethods.Get, HttpMethods.Head], (string? path) => ConsoleAssets.Find(path) is { } asset ? asset.Result() : Results.NotFound())
            .ExcludeFromDescription();
        return routes;
    }

    /// <summary>
    /// Content negotiation on the root document: a request that prefers <c>text/html</c> (a browser) gets the
    /// console's <c>index.html</c>; any other client (curl's <c>*/*</c>, an HTTP client with no Accept) gets what
    /// <paramref name="root"/> answers. An endpoint filter, so the root's OpenAPI description does not change.
    /// </summary>
    public static RouteHandlerBuilder ServeConsoleToBrowsers(this RouteHandlerBuilder root) =>
        root.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.Vary = "Accept";
            return PrefersHtml(context.HttpContext.Request) && ConsoleAssets.Find("index.html") is { } index ? index.Result() : await next(context);
        });

    /// <summary>True when the Accept header ranks <c>text/html</c> above zero and not below <c>application/json</c>.</summary>
    internal static bool PrefersHtml(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        double html = 0, json = 0;
        foreach (var media in accepted)
        {
            var quality = media.Quality ?? 1;
            if (media.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return html > 0 && html >= json;
    }
}
