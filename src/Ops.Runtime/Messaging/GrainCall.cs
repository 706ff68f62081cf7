using Ops.Runtime.Catalog;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Messaging;

/// <summary>A call of a grain interface method, made through a grain reference.</summary>
internal abstract class GrainCall : GrainMessage
{
    /// <summary>The method called.</summary>
    public abstract GrainMethod Method { get; }

    /// <summary>The arguments (copied by the sender where they are not immutable).</summary>
    public abstract object?[] Arguments { get; }

    /// <summary>Copies results that are not immutable (set by the sender).</summary>
    public Serialization.RuntimeSerializer? Copier { get; set; }

    /// <summary>How many times the router has tried to place this call (for back-off).</summary>
    public int RouteAttempts { get; set; }

    /// <summary>Completes when the call completes (successfully or not).</summary>
    public abstract Task Completion { get; }

    /// <summary>The successful result as JSON (after <see cref="Completion"/> succeeded).</summary>
    public abstract byte[] SerializeResult(Serialization.RuntimeSerializer serializer);

    /// <summary>Completes the call with a result that came back over the wire as JSON.</summary>
    public abstract void CompleteFromWire(ReadOnlySpan<byte> result, Serialization.RuntimeSerializer serializer);
}

/// <summary>A call whose result is <typeparamref name="TResult"/> (object for methods without a result).</summary>
internal sealed class GrainCall<TResult> : GrainCall
{
    private readonly GrainMethod<TResult> _method;
    private readonly object?[] _arguments;
    private readonly TaskCompletionSource<TResult> _completion;

    public GrainCall(GrainMethod<TResult> method, object?[] arguments)
    {
        _method = method;
        _arguments = arguments;

        // A caller inside a grain resumes through its own turn's context (a post, never inline); a caller outside
        // any grain must not run its continuation on this activation's thread.
        _completion = new TaskCompletionSource<TResult>(
            CurrentTurn is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
    }

    public Task<TResult> Task => _completion.Task;

    public override Task Completion => _completion.Task;

    public override byte[] SerializeResult(Serialization.RuntimeSerializer serializer) =>
        _method.ReturnsValue ? serializer.Serialize(_completion.Task.Result) : "null"u8.ToArray();

    public override void CompleteFromWire(ReadOnlySpan<byte> result, Serialization.RuntimeSerializer serializer)
    {
        try
        {
            _completion.TrySetResult(_method.ReturnsValue ? serializer.Deserialize<TResult>(result)! : default!);
        }
        catch (Exception exception)
        {
            _completion.TrySetException(new InvalidOperationException($"The result of {_method.Name} could not be read: {exception.Message}", exception));
        }
    }

    public override GrainMethod Method => _method;

    public override object?[] Arguments => _arguments;

    public override string Description => $"call {_method.Name}";

    public override bool MayInterleave(GrainClassInfo grainClass) => grainClass.IsReentrant || _method.AlwaysInterleave;

    public override Task RunTurn(Activation activation) => _method.Invoke(activation.GrainInstance!, _arguments);

    public override void OnTurnCompleted(Task turn)
    {
        if (turn.IsCompletedSuccessfully)
        {
            var result = _method.ReturnsValue ? ((Task<TResult>)turn).Result : default!;
            if (_method.CopyResult && Copier is not null)
            {
                try
                {
                    result = Copier.DeepCopy(result);
                }
                catch (Exception exception)
                {
                    _completion.TrySetException(exception);
                    return;
                }
            }

            _completion.TrySetResult(result);
        }
        else if (turn.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(turn.Exception!.InnerExceptions.Count == 1 ? turn.Exception.InnerException! : turn.Exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
