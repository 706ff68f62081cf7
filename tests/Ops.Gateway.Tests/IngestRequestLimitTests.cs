using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ops.Gateway.Tests.Infrastructure;

namespace Ops.Gateway.Tests;

public sealed class IngestRequestLimitTests : IAsyncLifetime
{
    private IngestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestHost.StartAsync(("Ingest:MaxBodyBytes", "4096"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> JsonPaths => ["/api/v1/ingest/alertmanager", "/api/v2/alerts", "/v2/enqueue", "/v2/change/enqueue", "/api/v1/signals"];

    [Theory]
    [MemberData(nameof(JsonPaths))]
    public async Task A_body_over_the_limit_is_answered_413(string path)
    {
        var json = $$$"""[{"labels":{"alertname":"{{{new string('x', 5000)}}}"}}]""";

        using var response = await _host.PostJsonAsync(path, json);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task A_body_over_the_limit_without_Content_Length_is_answered_413()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$$"""{"alerts":[{"labels":{"a":"{{{new string('x', 5000)}}}"}}]}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/alertmanager") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _host.Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Theory]
    [MemberData(nameof(JsonPaths))]
    public async Task A_body_that_is_not_declared_as_JSON_is_answered_415(string path)
    {
        using var response = await _host.PostJsonAsync(path, "{}", "text/plain");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Theory]
    [MemberData(nameof(JsonPaths))]
    public async Task An_empty_body_is_answered_400(string path)
    {
        using var response = await _host.PostJsonAsync(path, "");

        await ProblemAssert.NamesFieldAsync(response, "$");
        Assert.Empty(_host.Inbox.Calls);
    }

    [Theory]
    [MemberData(nameof(JsonPaths))]
    public async Task Malformed_JSON_is_answered_400(string path)
    {
        using var response = await _host.PostJsonAsync(path, "{\"a\": tru }");

        var messages = await ProblemAssert.NamesFieldAsync(response, "$");
        Assert.Contains("line 1", messages[0], StringComparison.Ordinal);
        Assert.Empty(_host.Inbox.Calls);
    }

    [Fact]
    public async Task Media_type_parameters_of_real_senders_are_accepted()
    {
        using var response = await _host.PostJsonAsync("/api/v2/alerts", """[{"labels":{"a":"b"}}]""", "application/json; charset=utf-8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
