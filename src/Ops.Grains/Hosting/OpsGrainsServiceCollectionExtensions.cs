using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ops.Grains.Messaging;
using Ops.Grains.Remediation;

namespace Ops.Grains.Hosting;

/// <summary>Registers what the domain grains need besides the runtime: loop options, messaging, remediation, notifications.</summary>
public static class OpsGrainsServiceCollectionExtensions
{
    public static IServiceCollection AddOpsGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpsLoopOptions>()
            .Bind(configuration.GetSection(OpsLoopOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<DomainMessenger>();
        services.AddOpsRemediation(configuration);
        return services;
    }
}
