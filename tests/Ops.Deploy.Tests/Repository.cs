namespace Ops.Deploy.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The directory holding Ops.Orleans.sln.</summary>
    public static string Root => RootPath.Value;

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string SiloConfig => Path.Combine(Root, "silo-config");

    public static string Kubernetes => Path.Combine(Deploy, "kubernetes");

    /// <summary>A path relative to the repository root with '/' separators, for messages.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ops.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Ops.Orleans.sln not found above {AppContext.BaseDirectory}.");
    }
}
