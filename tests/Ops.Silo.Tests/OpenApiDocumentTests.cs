using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ops.Silo.Tests;

/// <summary>
/// The served OpenAPI document is checked into docs/openapi.json so reviewers see API changes in diffs. After an
/// intended API change, regenerate it with <c>OPS_UPDATE_OPENAPI=1 dotnet test tests/Ops.Silo.Tests --filter OpenApi</c>.
/// </summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ops-openapi-").FullName;

    [Fact]
    public async Task The_served_OpenAPI_document_matches_the_one_checked_into_docs()
    {
        await using var silo = await SiloHost.StartAsync(_dataDirectory);
        var served = Normalize(await silo.Client.GetStringAsync("/openapi/v1.json"));
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("OPS_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path), "docs/openapi.json is missing; generate it with OPS_UPDATE_OPENAPI=1.");
        var checkedIn = await File.ReadAllTextAsync(path);
        Assert.True(checkedIn == served, "docs/openapi.json differs from the served document; if the API change is intended, regenerate it with OPS_UPDATE_OPENAPI=1 dotnet test tests/Ops.Silo.Tests --filter OpenApi");
        var document = JsonNode.Parse(served)!;
        foreach (var route in new[] { "/api/v2/alerts", "/v2/enqueue", "/api/v1/incidents/{id}/resolve", "/api/v1/portfolio", "/api/v1/cluster" })
        {
            Assert.NotNull(document["paths"]![route]);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ops.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Ops.Orleans.sln not found above the test binaries.");
    }
}
