using System.Linq.Expressions;
using System.Reflection;

namespace Ops.Runtime.Catalog;

/// <summary>A validated grain class: its stable type name, scheduling attributes and how to construct it.</summary>
internal sealed class GrainClassInfo
{
    private readonly Func<object?[], object> _construct;

    public GrainClassInfo(Type classType, string grainType, ConstructorInfo constructor, IReadOnlyList<ConstructorParameter> parameters)
    {
        ClassType = classType;
        GrainType = grainType;
        Parameters = parameters;
        IsReentrant = classType.GetCustomAttribute<ReentrantAttribute>() is not null;
        var worker = classType.GetCustomAttribute<StatelessWorkerAttribute>();
        IsStatelessWorker = worker is not null;
        MaxLocalWorkers = worker is null ? 0 : worker.MaxLocalWorkers > 0 ? worker.MaxLocalWorkers : Environment.ProcessorCount;
        CollectionAgeLimit = classType.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Amount;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(classType);
        IsInboxRecipient = typeof(IInboxRecipient).IsAssignableFrom(classType);

        var arguments = Expression.Parameter(typeof(object[]), "arguments");
        var newExpression = Expression.New(
            constructor,
            parameters.Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        _construct = Expression.Lambda<Func<object?[], object>>(Expression.Convert(newExpression, typeof(object)), arguments).Compile();
    }

    public Type ClassType { get; }

    /// <summary>The stable grain type name (from <see cref="GrainTypeAttribute"/>).</summary>
    public string GrainType { get; }

    public IReadOnlyList<ConstructorParameter> Parameters { get; }

    public bool IsReentrant { get; }

    public bool IsStatelessWorker { get; }

    public int MaxLocalWorkers { get; }

    /// <summary>The class's own collection age, or null for the silo default.</summary>
    public TimeSpan? CollectionAgeLimit { get; }

    public bool IsRemindable { get; }

    public bool IsInboxRecipient { get; }

    /// <summary>Constructs an instance from resolved constructor arguments.</summary>
    public object Construct(object?[] arguments) => _construct(arguments);
}

/// <summary>What a grain constructor parameter receives.</summary>
internal sealed record ConstructorParameter(Type ParameterType, ConstructorParameterKind Kind, string? StateName, Type? StateType);

internal enum ConstructorParameterKind
{
    /// <summary>A service from the silo's container.</summary>
    Service,

    /// <summary>An <see cref="IPersistentState{TState}"/> marked with <see cref="PersistentStateAttribute"/>.</summary>
    PersistentState,

    /// <summary>The activation's <see cref="IGrainContext"/>.</summary>
    GrainContext,

    /// <summary>The silo's <see cref="IGrainFactory"/>.</summary>
    GrainFactory,
}
