namespace Ops.Catalog.Tests;

/// <summary>A throw-away silo-config directory with the files a test writes into it.</summary>
internal sealed class TestSiloConfig : IDisposable
{
    public TestSiloConfig()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ops-catalog-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> (e.g. <c>runbooks/x.yaml</c>) and returns the path as the loader reports it.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(Directory, relativePath));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The repository's shipped <c>silo-config</c>: found by walking up to the folder holding Ops.Orleans.sln.</summary>
    public static string Shipped()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ops.Orleans.sln")))
            {
                return Path.Combine(directory.FullName, "silo-config");
            }
        }

        throw new InvalidOperationException($"No Ops.Orleans.sln above {AppContext.BaseDirectory}");
    }
}
