using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Ops.Runtime.Hosting;

/// <summary>Composes a silo: the grain classes it hosts and the store it keeps them in.</summary>
public sealed class OpsRuntimeBuilder
{
    internal OpsRuntimeBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The silo's service collection.</summary>
    public IServiceCollection Services { get; }

    internal List<Type> GrainClasses { get; } = [];

    internal bool StoreConfigured { get; set; }

    /// <summary>Hosts every non-abstract <see cref="Grain"/> subclass of <paramref name="assembly"/>.</summary>
    public OpsRuntimeBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
        {
            if (type is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(type) && !GrainClasses.Contains(type))
            {
                GrainClasses.Add(type);
            }
        }

        return this;
    }

    /// <summary>Hosts the grain class <typeparamref name="TGrain"/>.</summary>
    public OpsRuntimeBuilder AddGrain<TGrain>()
        where TGrain : Grain
    {
        if (!GrainClasses.Contains(typeof(TGrain)))
        {
            GrainClasses.Add(typeof(TGrain));
        }

        return this;
    }

    /// <summary>Keeps state, leases, reminders and the inbox in <typeparamref name="TStore"/> (a singleton).</summary>
    public OpsRuntimeBuilder UseStore<TStore>()
        where TStore : class, Storage.IRuntimeStore
    {
        Services.AddSingleton<Storage.IRuntimeStore, TStore>();
        StoreConfigured = true;
        return this;
    }

    /// <summary>Keeps state in a store built by <paramref name="factory"/> (a singleton).</summary>
    public OpsRuntimeBuilder UseStore(Func<IServiceProvider, Storage.IRuntimeStore> factory)
    {
        Services.AddSingleton(factory);
        StoreConfigured = true;
        return this;
    }
}
