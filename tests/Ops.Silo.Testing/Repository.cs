namespace Ops.Silo.Testing;

/// <summary>The checkout the tests run from, found by walking up from the test binaries to <c>Ops.Orleans.sln</c>.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    private static string FindRoot()
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
