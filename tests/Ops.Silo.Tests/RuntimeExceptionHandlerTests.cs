using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ops.Silo.Hosting;

namespace Ops.Silo.Tests;

/// <summary>How failures below the API become problems a sender knows to retry.</summary>
public sealed class RuntimeExceptionHandlerTests
{
    [Fact]
    public async Task A_database_that_cannot_be_reached_answers_503_with_retry_after()
    {
        var (handled, context) = await HandleAsync(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("The database is not reachable right now; retry", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_database_error_that_is_not_transient_is_left_to_the_default_500()
    {
        var (handled, _) = await HandleAsync(new NpgsqlException("syntax error at or near \"SELEC\""));

        Assert.False(handled);
    }

    private static async Task<(bool Handled, HttpContext Context)> HandleAsync(Exception exception)
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new RuntimeExceptionHandler(services.GetRequiredService<IProblemDetailsService>());
        return (await handler.TryHandleAsync(context, exception, CancellationToken.None), context);
    }
}
