using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>
/// Every deployment lets a stopping silo finish its graceful drain (SIGTERM → deactivate, commit inbox offsets,
/// release leases, bounded by shutdownTimeoutSeconds) before it is killed: each grace period is at least the drain
/// plus one lease Ttl, plus Kubernetes' preStop delay.
/// </summary>
public sealed class StopTests
{
    private static TimeSpan Needed => ClusterSettings.Current.ShutdownTimeout + ClusterSettings.Current.Leases.Ttl;

    [Fact]
    public void Kubernetes_waits_for_the_pre_stop_delay_and_the_drain()
    {
        var pod = DeployFiles.PodSpec;
        var preStop = DeployFiles.SiloContainer.Map("lifecycle", "preStop");
        var sleep = preStop.Find("sleep", "seconds") is YamlScalarNode seconds
            ? int.Parse(seconds.Value!, CultureInfo.InvariantCulture)
            : int.Parse(preStop.Seq("exec", "command").Select(c => ((YamlScalarNode)c).Value!).Last(), CultureInfo.InvariantCulture);
        Assert.InRange(sleep, 3, 30); // long enough for endpoints to drop the pod, short enough for rollouts

        var grace = TimeSpan.FromSeconds(pod.Int("terminationGracePeriodSeconds"));
        Assert.True(grace >= TimeSpan.FromSeconds(sleep) + Needed, $"terminationGracePeriodSeconds {grace.TotalSeconds} < preStop {sleep} s + drain {ClusterSettings.Current.ShutdownTimeout.TotalSeconds} s + Leases:Ttl {ClusterSettings.Current.Leases.Ttl.TotalSeconds} s");

        // The preStop command runs in the silo image: it must start with a program the image has.
        var exec = preStop.Seq("exec", "command").Select(c => ((YamlScalarNode)c).Value!).ToList();
        if (exec.Count > 0)
        {
            Assert.Equal("sleep", exec[0]);
        }
    }

    [Fact]
    public void Compose_waits_for_the_drain()
    {
        foreach (var (name, service) in DeployFiles.ComposeSilos())
        {
            Assert.Equal("SIGTERM", service.Str("stop_signal"));
            var grace = TimeSpan.FromSeconds(DeployFiles.ComposeDuration(service.Str("stop_grace_period")));
            Assert.True(grace >= Needed, $"compose service {name}: stop_grace_period {grace.TotalSeconds} s < drain + Ttl {Needed.TotalSeconds} s");
        }
    }

    [Fact]
    public void Systemd_waits_for_the_drain_and_restarts_on_failure()
    {
        Assert.Equal("SIGTERM", DeployFiles.SystemdValue("KillSignal"));
        var stop = TimeSpan.FromSeconds(double.Parse(DeployFiles.SystemdValue("TimeoutStopSec").TrimEnd('s'), CultureInfo.InvariantCulture));
        Assert.True(stop >= Needed, $"TimeoutStopSec {stop.TotalSeconds} s < drain + Ttl {Needed.TotalSeconds} s");
        Assert.Equal("on-failure", DeployFiles.SystemdValue("Restart"));
        Assert.Equal("/usr/bin/dotnet /opt/ops-orleans/Ops.Silo.dll", DeployFiles.SystemdValue("ExecStart"));
        Assert.Equal(typeof(Ops.Silo.Hosting.SiloApp).Assembly.GetName().Name + ".dll", Path.GetFileName(DeployFiles.SystemdValue("ExecStart").Split(' ')[1]));

        var user = DeployFiles.SystemdValue("User");
        Assert.NotEqual("root", user);
        foreach (var hardening in new[] { "NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp" })
        {
            Assert.False(string.IsNullOrEmpty(DeployFiles.SystemdValue(hardening)), $"{hardening} is not set");
        }

        // The .NET JIT needs writable executable memory.
        Assert.DoesNotContain(DeployFiles.SystemdUnit(), d => d.Key == "MemoryDenyWriteExecute" && d.Value is "yes" or "true" or "1");

        // The data directory is the unit's state directory (ProtectSystem=strict makes everything else read-only).
        var dataDirectory = DeployFiles.SiloEnvironment().Single(s => s.Source == "deploy/systemd/ops-silo.service" && s.Name == "Storage__DataDirectory").Value;
        Assert.Equal($"/var/lib/{DeployFiles.SystemdValue("StateDirectory")}", dataDirectory);
    }

    [Fact]
    public void The_image_publishes_the_silo_and_runs_it_as_a_non_root_user()
    {
        var instructions = DeployFiles.Dockerfile();
        var stages = instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", stages[1], StringComparison.Ordinal);

        var publish = instructions.Single(i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;
        var project = publish.Split(' ').Single(a => a.EndsWith(".csproj", StringComparison.Ordinal));
        Assert.Equal("src/Ops.Silo/Ops.Silo.csproj", project);
        Assert.True(File.Exists(Path.Combine(Repository.Root, project)));

        // Everything the build stage copies exists in the repository (the context is its root).
        foreach (var copy in instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            foreach (var source in copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            {
                var path = Path.Combine(Repository.Root, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile copies {source}, which does not exist");
            }
        }

        var entrypoint = instructions.Single(i => i.Instruction == "ENTRYPOINT").Arguments;
        Assert.Contains($"{typeof(Ops.Silo.Hosting.SiloApp).Assembly.GetName().Name}.dll", entrypoint, StringComparison.Ordinal);
        Assert.Equal("$APP_UID", instructions.Last(i => i.Instruction == "USER").Arguments);
        Assert.Equal("SIGTERM", instructions.Single(i => i.Instruction == "STOPSIGNAL").Arguments);

        // OPS_SILO_CONFIG points at the silo-config/ the image copies in, under the runtime stage's WORKDIR.
        var runtime = instructions.SkipWhile(i => i.Arguments != stages[1]).ToList();
        var workdir = runtime.Last(i => i.Instruction == "WORKDIR").Arguments;
        var configCopy = runtime.Single(i => i.Instruction == "COPY" && i.Arguments.StartsWith("silo-config/", StringComparison.Ordinal)).Arguments.Split(' ')[1];
        var configDirectory = DeployFiles.SiloEnvironment().Single(s => s.Source == "deploy/docker/Dockerfile" && s.Name == ConfigurationSchema.SiloConfigVariable).Value;
        Assert.Equal(configDirectory, Path.GetFullPath(configCopy, workdir).TrimEnd('/'));

        // The Kubernetes pod runs as the image's user (the .NET images' APP_UID is 1654).
        Assert.Equal("1654", DeployFiles.PodSpec.Str("securityContext", "runAsUser"));
    }
}
