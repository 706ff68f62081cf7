using System.Net;
using System.Text.Json;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>Checks for the RFC 7807 answers of the ingest endpoints.</summary>
internal static class ProblemAssert
{
    /// <summary>The response is a problem+json with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        return body;
    }

    /// <summary>The response is a 400 problem whose <c>errors</c> name <paramref name="field"/>; returns the messages for it.</summary>
    public static async Task<string[]> NamesFieldAsync(HttpResponseMessage response, string field)
    {
        var body = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"Expected errors to name '{field}', found: {errors.GetRawText()}");
        var list = messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.NotEmpty(list);
        return list;
    }
}
