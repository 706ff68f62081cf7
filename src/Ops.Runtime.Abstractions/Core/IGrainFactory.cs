namespace Ops.Runtime;

/// <summary>
/// Hands out grain references. A reference is cheap, never activates anything by itself, and may be kept and
/// used from any thread: the first call activates the grain on the silo that owns its partition.
/// </summary>
public interface IGrainFactory
{
    /// <summary>A reference to the string-keyed grain <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;

    /// <summary>A reference to the Guid-keyed grain <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(Guid key)
        where TGrainInterface : IGrainWithGuidKey;

    /// <summary>A reference to the integer-keyed grain <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(long key)
        where TGrainInterface : IGrainWithIntegerKey;

    /// <summary>A reference to the grain <paramref name="grainId"/>, which must implement the interface.</summary>
    TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IGrain;

    /// <summary>The id the grain <paramref name="key"/> of <typeparamref name="TGrainInterface"/> has.</summary>
    GrainId GetGrainId<TGrainInterface>(string key)
        where TGrainInterface : IGrain;
}
