using System.Data.Common;
using Ops.Runtime.AdoNet;

namespace Ops.Runtime.Testing.Faults;

/// <summary>What a <see cref="FaultInjectingConnectionFactory"/> does to connection attempts.</summary>
public enum ConnectionFault
{
    /// <summary>Connections open normally.</summary>
    None,

    /// <summary>Opening fails at once with the configured exception.</summary>
    Fail,

    /// <summary>Opening waits for the configured delay first.</summary>
    Delay,

    /// <summary>Opening hangs until the caller gives up (its cancellation token) or <see cref="FaultInjectingConnectionFactory.Heal"/> is called.</summary>
    BlackHole,
}

/// <summary>
/// Wraps a silo's database connections so a test can make them fail, slow down or hang (a network black hole)
/// while the silo runs. Switchable at any time, from any thread. Connections already open are not affected; the
/// stores open one per operation (the SQLite writer keeps one open until a failure).
/// </summary>
public sealed class FaultInjectingConnectionFactory
{
    private readonly Lock _lock = new();
    private ConnectionFault _fault;
    private Exception _failure = new InvalidOperationException("injected connection failure");
    private TimeSpan _delay;
    private TaskCompletionSource _healed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The fault in force.</summary>
    public ConnectionFault Fault
    {
        get
        {
            lock (_lock)
            {
                return _fault;
            }
        }
    }

    /// <summary>How many connection attempts met a fault.</summary>
    public int FaultedAttempts { get; private set; }

    /// <summary>Opening connections fails with <paramref name="exception"/> (default: InvalidOperationException).</summary>
    public void Fail(Exception? exception = null)
    {
        lock (_lock)
        {
            _fault = ConnectionFault.Fail;
            _failure = exception ?? new InvalidOperationException("injected connection failure");
        }
    }

    /// <summary>Opening connections takes <paramref name="delay"/> longer.</summary>
    public void Delay(TimeSpan delay)
    {
        lock (_lock)
        {
            _fault = ConnectionFault.Delay;
            _delay = delay;
        }
    }

    /// <summary>Opening connections hangs until the caller gives up or the fault is healed.</summary>
    public void BlackHole()
    {
        lock (_lock)
        {
            _fault = ConnectionFault.BlackHole;
        }
    }

    /// <summary>Back to normal; attempts hanging in a black hole proceed.</summary>
    public void Heal()
    {
        TaskCompletionSource healed;
        lock (_lock)
        {
            _fault = ConnectionFault.None;
            healed = _healed;
            _healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        healed.TrySetResult();
    }

    /// <summary>A factory that applies this fault to <paramref name="inner"/>.</summary>
    public IDbConnectionFactory Wrap(IDbConnectionFactory inner) => new Wrapped(this, inner);

    private async ValueTask<DbConnection> OpenAsync(IDbConnectionFactory inner, CancellationToken cancellationToken)
    {
        ConnectionFault fault;
        Exception failure;
        TimeSpan delay;
        Task healed;
        lock (_lock)
        {
            fault = _fault;
            failure = _failure;
            delay = _delay;
            healed = _healed.Task;
            if (fault != ConnectionFault.None)
            {
                FaultedAttempts++;
            }
        }

        switch (fault)
        {
            case ConnectionFault.Fail:
                throw failure;
            case ConnectionFault.Delay:
                await Task.Delay(delay, cancellationToken);
                break;
            case ConnectionFault.BlackHole:
                await healed.WaitAsync(cancellationToken);
                break;
        }

        return await inner.OpenAsync(cancellationToken);
    }

    private sealed class Wrapped(FaultInjectingConnectionFactory faults, IDbConnectionFactory inner) : IDbConnectionFactory
    {
        public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => faults.OpenAsync(inner, cancellationToken);
    }
}
