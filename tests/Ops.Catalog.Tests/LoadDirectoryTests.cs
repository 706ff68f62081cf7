namespace Ops.Catalog.Tests;

public sealed class LoadDirectoryTests
{
    [Fact]
    public void Missing_folders_are_an_empty_catalog()
    {
        using var config = new TestSiloConfig();

        var result = new CatalogLoader().LoadDirectory(config.Directory);

        Assert.True(result.IsValid);
        Assert.Empty(result.Snapshot.Products);
        Assert.Empty(result.Snapshot.Runbooks);
    }

    [Fact]
    public void A_missing_directory_is_an_error()
    {
        var result = new CatalogLoader().LoadDirectory(Path.Combine(Path.GetTempPath(), "ops-catalog-tests", "does-not-exist"));

        Assert.Contains("does not exist", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_yml_and_yaml_in_subfolders_and_ignores_other_files()
    {
        using var config = new TestSiloConfig();
        config.Write("catalog/teams/builders.yml", CatalogFixtures.Builders);
        config.Write("catalog/tiers.YAML", CatalogFixtures.Tiers);
        config.Write("catalog/README.md", "not yaml: [");
        config.Write("catalog/.products.yaml.swp", "not yaml: [");
        config.Write("other/products.yaml", CatalogFixtures.Products);

        var result = new CatalogLoader().LoadDirectory(config.Directory);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Snapshot.Builders.Count);
        Assert.Single(result.Snapshot.Tiers);
        Assert.Empty(result.Snapshot.Products);
    }

    [Fact]
    public void Errors_come_in_file_and_line_order()
    {
        using var config = new TestSiloConfig();
        config.Write("runbooks/b.yaml", "apiVersion: ops.orleans/v1\nkind: Runbook\nmetadata:\n  name: b\nspec:\n  product: nowhere\n  typo: 1\n");
        config.Write("catalog/a.yaml", "apiVersion: ops.orleans/v2\nkind: Builder\nmetadata:\n  name: a\nspec:\n  capacity: -1\n");

        var errors = new CatalogLoader().LoadDirectory(config.Directory).Errors;

        Assert.Equal(
            [("a.yaml", 1, "apiVersion"), ("a.yaml", 6, "spec.capacity"), ("b.yaml", 6, "spec.product"), ("b.yaml", 7, "spec.typo")],
            errors.Select(e => (Path.GetFileName(e.File), e.Line, e.Field)));
    }
}
