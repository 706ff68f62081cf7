using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Ops.Gateway.Console;

/// <summary>
/// The console's files, read once from this assembly's embedded resources (logical names <c>console/{path}</c>, see
/// Ops.Gateway.csproj), each with its content type and a content-hash ETag.
/// </summary>
internal static class ConsoleAssets
{
    private const string Prefix = "console/";

    /// <summary>
    /// What the console may load: only the silo itself (scripts, styles, images, API calls). This is what keeps a
    /// CDN or a web font from creeping in: the browser refuses them.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Lazy<FrozenDictionary<string, ConsoleAsset>> All = new(Load);

    /// <summary>The asset at <paramref name="path"/> (relative to <c>/console/</c>), or null.</summary>
    public static ConsoleAsset? Find(string? path) =>
        path is not null && All.Value.TryGetValue(path, out var asset) ? asset : null;

    private static FrozenDictionary<string, ConsoleAsset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // RecursiveDir uses the build machine's separator; the URL always uses '/'.
            var logical = name.Replace('\\', '/');
            if (!logical.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var path = logical[Prefix.Length..];
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type == "image/svg+xml")
            {
                type += "; charset=utf-8";
            }

            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
            assets[path] = new ConsoleAsset(path, content, type, etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One embedded file.</summary>
    internal sealed record ConsoleAsset(string Path, byte[] Content, string ContentType, EntityTagHeaderValue ETag)
    {
        /// <summary>200 with the file, or 304 when the browser's copy is current; revalidated on every load.</summary>
        public IResult Result() => new AssetResult(this);
    }

    private sealed class AssetResult(ConsoleAsset asset) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var headers = response.Headers;
            headers.ETag = asset.ETag.ToString();
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            if (EntityTagHeaderValue.TryParseList(httpContext.Request.Headers.IfNoneMatch, out var tags) &&
                tags.Any(t => t.Compare(asset.ETag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = asset.ContentType;
            response.ContentLength = asset.Content.Length;
            await response.Body.WriteAsync(asset.Content, httpContext.RequestAborted);
        }
    }
}
