using System.Linq.Expressions;
using System.Reflection;

namespace Ops.Runtime.Messaging;

/// <summary>How a grain interface method returns.</summary>
internal enum GrainMethodReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>
/// One method of a grain interface, prepared once at start-up: a compiled invoker (no reflection per call), its
/// interleaving and deadline settings, and which arguments must be copied to isolate caller and callee.
/// </summary>
internal abstract class GrainMethod
{
    protected GrainMethod(MethodInfo method, GrainMethodReturnKind returnKind, bool[] copyArguments, bool copyResult)
    {
        Method = method;
        ReturnKind = returnKind;
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        ResponseTimeout = method.GetCustomAttribute<ResponseTimeoutAttribute>()?.Timeout;
        ParameterTypes = method.GetParameters().Select(p => p.ParameterType).ToArray();
        CopyArguments = copyArguments;
        CopiesAnyArgument = copyArguments.Any(c => c);
        CopyResult = copyResult;
    }

    public MethodInfo Method { get; }

    /// <summary>"IInterface.Method", for logs, traces and the wire.</summary>
    public string Name { get; }

    public GrainMethodReturnKind ReturnKind { get; }

    public bool AlwaysInterleave { get; }

    public TimeSpan? ResponseTimeout { get; }

    public Type[] ParameterTypes { get; }

    public bool[] CopyArguments { get; }

    public bool CopiesAnyArgument { get; }

    public bool CopyResult { get; }

    /// <summary>
    /// The method's name on the wire between silos: interface, name and parameter types, the same in every silo
    /// built from the same grain interfaces.
    /// </summary>
    public string WireName => _wireName ??= $"{Method.DeclaringType!.FullName}::{Method.Name}({string.Join(",", ParameterTypes.Select(t => t.FullName))})";

    private string? _wireName;

    /// <summary>A call of this method with <paramref name="arguments"/>, not yet sent (calls arriving from another silo).</summary>
    public abstract GrainCall CreateCall(object?[] arguments);

    /// <summary>Sends a call of this method to <paramref name="target"/> (of class <paramref name="grainClass"/>) and returns what the interface method returns.</summary>
    public abstract object Call(GrainCallSender sender, GrainId target, Catalog.GrainClassInfo grainClass, object?[] arguments);

    /// <summary>Invokes the method on a grain instance (inside a turn).</summary>
    public abstract Task Invoke(object grain, object?[] arguments);

    /// <summary>Builds the prepared method for <paramref name="method"/> of a validated grain interface.</summary>
    public static GrainMethod Create(Type grainInterface, MethodInfo method, Func<Type, bool> isShallowCopyable)
    {
        var (kind, resultType) = Classify(method.ReturnType)
            ?? throw new InvalidOperationException($"{grainInterface.Name}.{method.Name} does not return a Task form.");

        var parameters = method.GetParameters();
        var copyArguments = parameters
            .Select(p => p.GetCustomAttribute<ImmutableAttribute>() is null && !isShallowCopyable(p.ParameterType))
            .ToArray();
        var copyResult = resultType is not null
            && method.ReturnParameter.GetCustomAttribute<ImmutableAttribute>() is null
            && !isShallowCopyable(resultType);

        var grainParameter = Expression.Parameter(typeof(object), "grain");
        var argumentsParameter = Expression.Parameter(typeof(object[]), "arguments");
        var callArguments = parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(argumentsParameter, Expression.Constant(i)), p.ParameterType));
        Expression body = Expression.Call(Expression.Convert(grainParameter, grainInterface), method, callArguments);

        var resultGeneric = resultType ?? typeof(object);
        var invokerReturn = resultType is null ? typeof(Task) : typeof(Task<>).MakeGenericType(resultType);
        if (kind is GrainMethodReturnKind.ValueTask or GrainMethodReturnKind.ValueTaskOfT)
        {
            body = Expression.Call(body, method.ReturnType.GetMethod(nameof(ValueTask.AsTask))!);
        }

        var invoker = Expression.Lambda(
            typeof(Func<,,>).MakeGenericType(typeof(object), typeof(object[]), invokerReturn),
            body,
            grainParameter,
            argumentsParameter).Compile();

        var type = typeof(GrainMethod<>).MakeGenericType(resultGeneric);
        return (GrainMethod)Activator.CreateInstance(
            type,
            BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
            binder: null,
            args: [method, kind, invoker, copyArguments, copyResult],
            culture: null)!;
    }

    /// <summary>The return kind and result type of a Task form, or null if the type is not one.</summary>
    public static (GrainMethodReturnKind Kind, Type? ResultType)? Classify(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return (GrainMethodReturnKind.Task, null);
        }

        if (returnType == typeof(ValueTask))
        {
            return (GrainMethodReturnKind.ValueTask, null);
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return (GrainMethodReturnKind.TaskOfT, returnType.GetGenericArguments()[0]);
            }

            if (definition == typeof(ValueTask<>))
            {
                return (GrainMethodReturnKind.ValueTaskOfT, returnType.GetGenericArguments()[0]);
            }
        }

        return null;
    }
}

/// <summary>A prepared grain method whose call completes with <typeparamref name="TResult"/> (object for void forms).</summary>
internal sealed class GrainMethod<TResult> : GrainMethod
{
    private readonly Func<object, object?[], Task<TResult>>? _invokeWithResult;
    private readonly Func<object, object?[], Task>? _invokeVoid;

    public GrainMethod(MethodInfo method, GrainMethodReturnKind returnKind, Delegate invoker, bool[] copyArguments, bool copyResult)
        : base(method, returnKind, copyArguments, copyResult)
    {
        if (returnKind is GrainMethodReturnKind.TaskOfT or GrainMethodReturnKind.ValueTaskOfT)
        {
            _invokeWithResult = (Func<object, object?[], Task<TResult>>)invoker;
        }
        else
        {
            _invokeVoid = (Func<object, object?[], Task>)invoker;
        }
    }

    public bool ReturnsValue => _invokeWithResult is not null;

    public override Task Invoke(object grain, object?[] arguments) =>
        _invokeWithResult is not null ? _invokeWithResult(grain, arguments) : _invokeVoid!(grain, arguments);

    public override GrainCall CreateCall(object?[] arguments) => new GrainCall<TResult>(this, arguments);

    public override object Call(GrainCallSender sender, GrainId target, Catalog.GrainClassInfo grainClass, object?[] arguments)
    {
        var call = new GrainCall<TResult>(this, arguments);
        sender.Send(target, grainClass, call);
        var task = call.Task;
        return ReturnKind switch
        {
            GrainMethodReturnKind.Task or GrainMethodReturnKind.TaskOfT => task,
            GrainMethodReturnKind.ValueTaskOfT => new ValueTask<TResult>(task),
            _ => new ValueTask(task),
        };
    }
}
