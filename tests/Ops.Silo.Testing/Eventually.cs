using System.Text.Json;

namespace Ops.Silo.Testing;

/// <summary>Polls a condition the asynchronous loop (or a scraper) will make true: inbox delivery, correlation, paging.</summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Probes until <paramref name="condition"/> holds for the probed value and returns that value.</summary>
    /// <exception cref="TimeoutException">It did not hold within the timeout; the message names <paramref name="what"/> and the last value.</exception>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {Describe(last)}");
            }

            await Task.Delay(Interval);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), ok => ok, what, timeout);

    private static string Describe<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException)
        {
            return value?.ToString() ?? "null";
        }
    }
}
