namespace Ops.Catalog.Tests;

public sealed class CatalogDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("00:05:00", 300_000)]
    [InlineData("1.02:00:00", 93_600_000)]
    [InlineData("0s", 0)]
    public void Parses(string text, long milliseconds)
    {
        Assert.True(CatalogDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5 minutes")]
    [InlineData("30m1h")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("5M")]
    [InlineData("99999999999999999999s")]
    public void Rejects(string text) => Assert.False(CatalogDuration.TryParse(text, out _));

    [Theory]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0s")]
    public void Formats(long milliseconds, string expected) =>
        Assert.Equal(expected, CatalogDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
