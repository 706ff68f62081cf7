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
