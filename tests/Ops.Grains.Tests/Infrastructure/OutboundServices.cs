using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ops.Grains.Notifications;
using Ops.Grains.Remediation;

namespace Ops.Grains.Tests.Infrastructure;

/// <summary>The executor and the sender as the silo registers them (<c>AddOpsRemediation</c>), from in-memory configuration.</summary>
internal sealed class OutboundServices : IDisposable
{
    /// <summary>Fast retries, so tests exercise backoff without waiting for production delays.</summary>
    private static readonly Dictionary<string, string?> s_fast = new()
    {
        ["Remediation:RetryBaseDelay"] = "00:00:00.010",
        ["Notifications:RetryBaseDelay"] = "00:00:00.010",
    };

    private readonly ServiceProvider _services;

    public OutboundServices(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(s_fast)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        _services = new ServiceCollection().AddLogging().AddOpsRemediation(configuration).BuildServiceProvider();
    }

    public IStepExecutor Executor => _services.GetRequiredService<IStepExecutor>();

    public INotificationSender Sender => _services.GetRequiredService<INotificationSender>();

    public void Dispose() => _services.Dispose();
}
