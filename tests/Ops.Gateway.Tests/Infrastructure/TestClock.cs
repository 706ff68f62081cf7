namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>A clock that stands still unless a test moves it: 2026-11-22T08:00:00Z, just after the fixtures' alerts started.</summary>
internal sealed class TestClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = Start;

    public override DateTimeOffset GetUtcNow() => Now;
}
