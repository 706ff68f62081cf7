using Ops.Runtime;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>
/// Grain ids without a silo: the gateway only computes recipients, it never calls grains. The real type names come
/// from the grain classes in Ops.Grains, which the gateway must not depend on; here an interface <c>IFooBarGrain</c>
/// is type <c>foo-bar</c>.
/// </summary>
internal sealed class GrainIds : IGrainFactory
{
    public static GrainId Of<TGrainInterface>(string key) => GrainId.Create(TypeName(typeof(TGrainInterface)), key);

    public GrainId GetGrainId<TGrainInterface>(string key)
        where TGrainInterface : IGrain => Of<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey => throw new NotSupportedException("The gateway's ingest never calls grains.");

    public TGrainInterface GetGrain<TGrainInterface>(Guid key)
        where TGrainInterface : IGrainWithGuidKey => throw new NotSupportedException("The gateway's ingest never calls grains.");

    public TGrainInterface GetGrain<TGrainInterface>(long key)
        where TGrainInterface : IGrainWithIntegerKey => throw new NotSupportedException("The gateway's ingest never calls grains.");

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IGrain => throw new NotSupportedException("The gateway's ingest never calls grains.");

    private static string TypeName(Type grainInterface)
    {
        var name = grainInterface.Name[1..^"Grain".Length];
        return string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
    }
}
