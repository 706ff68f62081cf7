namespace Ops.Runtime;

/// <summary>Ambient settings of the calls made from the current flow.</summary>
public static class RequestContext
{
    private static readonly AsyncLocal<bool> s_allowCallChainReentrancy = new();

    /// <summary>Whether calls from this flow may re-enter grains already waiting in their call chain.</summary>
    public static bool CallChainReentrancyAllowed => s_allowCallChainReentrancy.Value;

    /// <summary>
    /// Within the returned scope, calls made from this flow may re-enter a non-reentrant grain that is waiting
    /// further up the same call chain (A → B → A interleaves instead of failing with <see cref="DeadlockException"/>).
    /// </summary>
    public static IDisposable AllowCallChainReentrancy()
    {
        var previous = s_allowCallChainReentrancy.Value;
        s_allowCallChainReentrancy.Value = true;
        return new Scope(previous);
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        public void Dispose() => s_allowCallChainReentrancy.Value = previous;
    }
}
