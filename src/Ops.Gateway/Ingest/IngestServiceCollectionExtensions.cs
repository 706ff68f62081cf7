using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ops.Gateway.Ingest;

/// <summary>Registration of the ingest adapters.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <see cref="IngestEndpoints.MapIngestEndpoints"/> needs: <see cref="IngestOptions"/> bound from the
    /// <c>Ingest</c> section of <paramref name="configuration"/> (the root configuration) and validated at start-up,
    /// <see cref="SignalRouter"/>, <see cref="SignalIntake"/> and the request reader, plus <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is registered. The parsers are pure static functions and need no registration.
    /// The host provides <see cref="Ops.Runtime.IInbox"/>, <see cref="Ops.Runtime.IGrainFactory"/> (AddOpsRuntime) and
    /// <see cref="Ops.Contracts.Catalog.ICatalogView"/>.
    /// </summary>
    public static IServiceCollection AddOpsIngest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SignalRouter>();
        services.TryAddSingleton<SignalIntake>();
        services.TryAddSingleton<IngestRequestReader>();
        return services;
    }
}
