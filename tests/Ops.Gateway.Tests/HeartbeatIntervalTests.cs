using Ops.Gateway.Ingest;

namespace Ops.Gateway.Tests;

public sealed class HeartbeatIntervalTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1500ms", 1.5)]
    [InlineData("PT30S", 30)]
    [InlineData("PT1H", 3600)]
    [InlineData("00:00:45", 45)]
    [InlineData("90", 90)]
    public void Reads_durations_in_the_usual_forms(string text, double seconds)
    {
        Assert.True(HeartbeatInterval.TryParse(text, out var interval, out var problem), problem);
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("0s")]
    [InlineData("100ms")]
    [InlineData("-PT5S")]
    [InlineData("400d")]
    [InlineData("")]
    public void Rejects_what_is_not_a_sensible_interval(string text)
    {
        Assert.False(HeartbeatInterval.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }
}
