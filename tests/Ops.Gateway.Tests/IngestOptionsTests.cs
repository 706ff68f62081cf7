using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ops.Gateway.Ingest;

namespace Ops.Gateway.Tests;

public sealed class IngestOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = Resolve([]);

        Assert.Equal("product", options.ProductLabel);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ResolveTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.HeartbeatDefaultInterval);
        Assert.Equal(512 * 1024, options.MaxBodyBytes);
    }

    [Fact]
    public void Binds_the_Ingest_section()
    {
        var options = Resolve(new() { ["Ingest:ProductLabel"] = "service", ["Ingest:ResolveTimeout"] = "00:15:00" });

        Assert.Equal("service", options.ProductLabel);
        Assert.Equal(TimeSpan.FromMinutes(15), options.ResolveTimeout);
    }

    [Theory]
    [InlineData("Ingest:ResolveTimeout", "00:00:00")]
    [InlineData("Ingest:MaxBodyBytes", "0")]
    [InlineData("Ingest:ProductLabel", "not a label")]
    [InlineData("Ingest:HeartbeatDefaultInterval", "365.00:00:00")]
    public void Rejects_values_that_make_no_sense(string key, string value)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(key.Split(':')[1], exception.Message, StringComparison.Ordinal);
    }

    private static IngestOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddOpsIngest(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<IngestOptions>>().Value;
    }
}
