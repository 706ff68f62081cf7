using Ops.Runtime.Hosting;

namespace Ops.Silo.Hosting;

/// <summary>Finds silo-config/ and checks the storage settings before anything starts.</summary>
internal static class SiloConfiguration
{
    /// <summary>The environment variable that points at the silo-config directory.</summary>
    public const string DirectoryVariable = "OPS_SILO_CONFIG";

    /// <summary>
    /// The silo-config directory: $OPS_SILO_CONFIG or --silo-config if given, else ./silo-config, else the first
    /// silo-config found walking up from the executable (so `dotnet run --project src/Ops.Silo` works from anywhere
    /// in the repository).
    /// </summary>
    public static string Locate(string[] args)
    {
        var explicitPath = Environment.GetEnvironmentVariable(DirectoryVariable);
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--silo-config")
            {
                explicitPath = args[i + 1];
            }
        }

        if (explicitPath is not null)
        {
            return Directory.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new SiloStartupException($"The silo-config directory '{explicitPath}' (from {DirectoryVariable} or --silo-config) does not exist.");
        }

        if (Directory.Exists("silo-config"))
        {
            return Path.GetFullPath("silo-config");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "silo-config");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SiloStartupException($"No silo-config directory found in '{Environment.CurrentDirectory}' or above the executable; run from the repository root or set {DirectoryVariable}.");
    }

    /// <summary>
    /// The SQLite database path under the data directory, which must be writable. A relative directory is relative
    /// to the directory that holds silo-config/ (the deployment root), wherever the process was started from.
    /// </summary>
    public static string PrepareDataDirectory(StorageOptions storage, string configDirectory)
    {
        var root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(configDirectory))!;
        var directory = Path.GetFullPath(storage.DataDirectory, root);
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SiloStartupException($"Storage:DataDirectory '{directory}' is not writable ({exception.Message}); point Storage:DataDirectory (env Storage__DataDirectory) at a writable directory.");
        }

        return Path.Combine(directory, "ops.db");
    }

    /// <summary>The PostgreSQL connection string, which must be set when PostgreSQL is chosen.</summary>
    public static string RequireConnectionString(StorageOptions storage) =>
        string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? throw new SiloStartupException("Storage:Provider is PostgreSql but Storage:ConnectionString is empty; set it (env Storage__ConnectionString), e.g. Host=127.0.0.1;Port=5432;Username=ops;Password=...;Database=ops.")
            : storage.ConnectionString;

    /// <summary>The port of the first URL in an ASP.NET Core <c>Urls</c> value ("http://host:port;..."), if it names one.</summary>
    public static int? FirstUrlPort(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        // Kestrel accepts wildcard hosts ("http://*:8080", "http://+:8080") that Uri cannot parse.
        first = first.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri.Port : null;
    }
}
