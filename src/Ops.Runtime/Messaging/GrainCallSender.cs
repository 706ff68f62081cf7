using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Messaging;

/// <summary>
/// Turns a call made through a grain reference into a message: links it to the caller's call chain, gives it a
/// deadline (the method's or the silo's response timeout, never later than the caller's own), isolates its
/// arguments, and routes it.
/// </summary>
internal sealed class GrainCallSender(Silo silo)
{
    /// <summary>Calls nested deeper than this fail: runaway recursion between grains, not a real workload.</summary>
    public const int MaxCallChainDepth = 64;

    public void Send(GrainId target, Catalog.GrainClassInfo grainClass, GrainCall call)
    {
        var method = call.Method;
        var time = silo.Time;
        var timeout = method.ResponseTimeout ?? silo.MessagingOptions.ResponseTimeout;
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);

        var caller = GrainMessage.CurrentTurn;
        if (caller?.Target is { } callerActivation)
        {
            var chain = new CallChainLink(callerActivation.GrainId, silo.SiloId, caller, RequestContext.CallChainReentrancyAllowed, caller.Chain);
            if (chain.Depth > MaxCallChainDepth)
            {
                call.Fail(new InvalidOperationException($"Call chain deeper than {MaxCallChainDepth} grains calling {method.Name} on {target}; grains are calling each other without end."));
                return;
            }

            call.Chain = chain;
            deadline = Math.Min(deadline, caller.Deadline);
        }

        call.Deadline = deadline;
        if (method.CopiesAnyArgument)
        {
            var arguments = call.Arguments;
            for (var i = 0; i < arguments.Length; i++)
            {
                if (method.CopyArguments[i] && arguments[i] is { } argument)
                {
                    try
                    {
                        arguments[i] = silo.Serializer.DeepCopy(argument, method.ParameterTypes[i]);
                    }
                    catch (Exception exception)
                    {
                        call.Fail(new ArgumentException($"Argument {i} of {method.Name} cannot be serialized for the call: {exception.Message}", exception));
                        return;
                    }
                }
            }
        }

        if (method.CopyResult)
        {
            call.Copier = silo.Serializer;
        }

        silo.Instruments.CallSent(grainClass, call);
        silo.Catalog.Dispatch(target, grainClass, call);
    }
}
