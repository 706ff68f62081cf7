using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ops.Runtime.Catalog;

namespace Ops.Runtime.Hosting;

/// <summary>The paved road: one call gives a host a silo.</summary>
public static class OpsRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo to the host: its options (bound from the configuration sections <c>Silo</c>, <c>Leases</c>,
    /// <c>Activations</c>, <c>Messaging</c>, <c>Reminders</c>, <c>Inbox</c>; validated at start-up), the grain
    /// classes and store chosen in <paramref name="configure"/>, <see cref="IGrainFactory"/>, <see cref="IInbox"/>,
    /// <see cref="ISiloDiagnostics"/>, a readiness health check tagged "ready", and the hosted service that starts
    /// and stops the silo with the host.
    /// </summary>
    public static IServiceCollection AddOpsRuntime(this IServiceCollection services, Action<OpsRuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new OpsRuntimeBuilder(services);
        configure(builder);
        if (!builder.StoreConfigured)
        {
            throw new InvalidOperationException("AddOpsRuntime needs a store: call UseSqlite(...) or UsePostgreSql(...) on the builder.");
        }

        AddValidatedOptions<SiloOptions>(services, SiloOptions.SectionName);
        AddValidatedOptions<LeaseOptions>(services, LeaseOptions.SectionName);
        AddValidatedOptions<ActivationCollectionOptions>(services, ActivationCollectionOptions.SectionName);
        AddValidatedOptions<MessagingOptions>(services, MessagingOptions.SectionName);
        AddValidatedOptions<ReminderOptions>(services, ReminderOptions.SectionName);
        AddValidatedOptions<InboxOptions>(services, InboxOptions.SectionName);
        AddValidatedOptions<ClusterOptions>(services, ClusterOptions.SectionName);
        services.AddSingleton<IValidateOptions<LeaseOptions>, LeaseOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(Silo.LeaseClockKey, TimeProvider.System);
        services.AddMetrics();
        var grainClasses = builder.GrainClasses.ToList();
        services.AddSingleton(_ => new GrainTypeRegistry(grainClasses));
        services.AddSingleton<Silo>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<Silo>().GrainFactory);
        services.AddSingleton<IInbox>(sp => sp.GetRequiredService<Silo>().Inbox);
        services.AddSingleton<ISiloDiagnostics, SiloDiagnostics>();
        services.AddHostedService<SiloHostedService>();
        services.AddHealthChecks().AddCheck<SiloReadinessHealthCheck>("ops-runtime", tags: ["ready"]);
        return services;
    }

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }
}

/// <summary>Checks the relations between lease timings that data annotations cannot express.</summary>
internal sealed class LeaseOptionsValidator : IValidateOptions<LeaseOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaseOptions options)
    {
        var failures = new List<string>();
        if (options.SafetyMargin >= options.Ttl)
        {
            failures.Add($"Leases:SafetyMargin ({options.SafetyMargin}) must be shorter than Leases:Ttl ({options.Ttl}).");
        }

        if (options.RenewInterval >= options.Ttl - options.SafetyMargin)
        {
            failures.Add($"Leases:RenewInterval ({options.RenewInterval}) must be shorter than Leases:Ttl − Leases:SafetyMargin ({options.Ttl - options.SafetyMargin}), or the silo fences itself between renewals.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
