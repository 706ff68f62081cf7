using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ops.Grains.Notifications;

namespace Ops.Grains.Remediation;

/// <summary>Registers how the silo acts on the outside world: remediation steps and outbound notifications.</summary>
public static class RemediationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IStepExecutor"/> and <see cref="INotificationSender"/> (singletons), their options bound from the
    /// sections <c>Remediation</c> and <c>Notifications</c> of <paramref name="configuration"/> and validated at start-up,
    /// the named HTTP clients <c>ops-remediation</c> and <c>ops-notifications</c> (no client-level timeout: the
    /// resilience pipelines own timeouts), and <see cref="TimeProvider.System"/> unless a time provider is registered.
    /// </summary>
    public static IServiceCollection AddOpsRemediation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RemediationOptions>()
            .Bind(configuration.GetSection(RemediationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RemediationOptions>, RemediationOptionsValidator>());
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(StepExecutor.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(NotificationSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IStepExecutor, StepExecutor>();
        services.TryAddSingleton<INotificationSender, NotificationSender>();
        return services;
    }
}
