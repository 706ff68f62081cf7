using Ops.Runtime;
using Ops.Runtime.Diagnostics;

namespace Ops.Grains;

/// <summary>
/// Base of the domain grains. A change that fails part-way (a message not appended, a write refused) leaves the
/// in-memory state ahead of storage; <see cref="ChangeAsync{T}"/> then discards the activation so the next call
/// starts again from what is durable. (Inbox deliveries get the same treatment from the runtime.)
/// </summary>
public abstract class DomainGrain : Grain
{
    /// <summary>The loop's metrics (pages, acknowledgement latency, finished runs); null when the host registered none.</summary>
    protected LoopInstruments? Instruments => ServiceProvider.GetService(typeof(LoopInstruments)) as LoopInstruments;

    protected async Task<T> ChangeAsync<T>(Func<Task<T>> change)
    {
        try
        {
            return await change();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    protected Task ChangeAsync(Func<Task> change) =>
        ChangeAsync(async () =>
        {
            await change();
            return true;
        });
}
