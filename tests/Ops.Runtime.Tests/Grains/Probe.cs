using System.Collections.Concurrent;

namespace Ops.Runtime.Tests.Grains;

/// <summary>A singleton the test grains report to, and the gates tests use to hold a grain inside a turn.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, int> _counters = new();

    public ConcurrentQueue<string> Events { get; } = new();

    public void Record(string @event) => Events.Enqueue(@event);

    public IReadOnlyList<string> EventsMatching(string prefix) => Events.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public int Increment(string counter) => _counters.AddOrUpdate(counter, 1, (_, v) => v + 1);

    public int Count(string counter) => _counters.GetValueOrDefault(counter);

    /// <summary>The gate named <paramref name="name"/> (created open = false).</summary>
    public TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open(string name) => Gate(name).TrySetResult();

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? string.Empty : ": " + because)}.");
            }

            await Task.Delay(10);
        }
    }
}
