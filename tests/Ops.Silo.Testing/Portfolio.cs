namespace Ops.Silo.Testing;

/// <summary>
/// A portfolio as the silo reads it: catalog YAML (builders and escalation tiers in <paramref name="People"/>, products
/// in <paramref name="Products"/>) and runbook YAML, written beside the repository's <c>silo-config/appsettings.json</c>.
/// Each test project declares its own, usually with every URL pointing at its <see cref="LoopbackWorld"/>.
/// </summary>
public sealed record Portfolio(string People, string Products, string Runbooks)
{
    /// <summary>Writes <c>silo-config/</c> into <paramref name="directory"/> and returns its path.</summary>
    public string Write(string directory)
    {
        var config = Path.Combine(directory, "silo-config");
        Directory.CreateDirectory(Path.Combine(config, "catalog"));
        Directory.CreateDirectory(Path.Combine(config, "runbooks"));
        File.Copy(Path.Combine(Repository.Root, "silo-config", "appsettings.json"), Path.Combine(config, "appsettings.json"));
        File.WriteAllText(Path.Combine(config, "catalog", "people.yaml"), People);
        File.WriteAllText(Path.Combine(config, "catalog", "products.yaml"), Products);
        File.WriteAllText(Path.Combine(config, "runbooks", "runbooks.yaml"), Runbooks);
        return config;
    }
}
