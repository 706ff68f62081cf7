using System.Reflection;
using Ops.Runtime.Catalog;

namespace Ops.Runtime.Messaging;

/// <summary>The silo's <see cref="IGrainFactory"/>: creates references for hosted grain interfaces.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, GrainCallSender sender) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create<TGrainInterface>(GrainKeyKind.String, key);
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid key)
        where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(GrainKeyKind.Guid, GrainId.CanonicalKey(key));

    public TGrainInterface GetGrain<TGrainInterface>(long key)
        where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(GrainKeyKind.Integer, GrainId.CanonicalKey(key));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IGrain
    {
        var info = registry.GetInterface(typeof(TGrainInterface));
        if (!string.Equals(grainId.Type, info.GrainClass.GrainType, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Grain {grainId} is of type '{grainId.Type}', which does not implement {typeof(TGrainInterface).Name} (implemented by '{info.GrainClass.GrainType}').", nameof(grainId));
        }

        return CreateReference<TGrainInterface>(info, grainId);
    }

    public GrainId GetGrainId<TGrainInterface>(string key)
        where TGrainInterface : IGrain =>
        GrainId.Create(registry.GetInterface(typeof(TGrainInterface)).GrainClass.GrainType, key);

    /// <summary>A reference of the runtime type <paramref name="grainInterface"/> (used by deserialization).</summary>
    public object GetGrain(Type grainInterface, GrainId grainId) =>
        s_getGrainById.MakeGenericMethod(grainInterface).Invoke(this, [grainId])!;

    private static readonly MethodInfo s_getGrainById = typeof(GrainFactory).GetMethods()
        .Single(m => m.Name == nameof(GetGrain) && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(GrainId));

    private TGrainInterface Create<TGrainInterface>(GrainKeyKind kind, string key)
    {
        var info = registry.GetInterface(typeof(TGrainInterface));
        if (info.KeyKind != kind)
        {
            throw new ArgumentException($"{typeof(TGrainInterface).Name} is keyed by {info.KeyKind}, not {kind}.");
        }

        return CreateReference<TGrainInterface>(info, GrainId.Create(info.GrainClass.GrainType, key));
    }

    private TGrainInterface CreateReference<TGrainInterface>(GrainInterfaceInfo info, GrainId grainId)
    {
        var proxy = DispatchProxy.Create<TGrainInterface, GrainReferenceProxy>();
        ((GrainReferenceProxy)(object)proxy!).Initialize(grainId, info, sender);
        return proxy;
    }
}
