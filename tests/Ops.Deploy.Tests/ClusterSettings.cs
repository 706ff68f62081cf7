using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ops.Runtime.Hosting;
using Ops.Silo.Hosting;

namespace Ops.Deploy.Tests;

/// <summary>
/// The silo's configuration in the Cluster environment (silo-config/appsettings.json + appsettings.Cluster.json), as
/// the real host composes and validates it: <see cref="SiloApp.Build"/> with <c>--environment Cluster</c>, never
/// started (the connection string is a placeholder no one opens).
/// </summary>
internal sealed class ClusterSettings
{
    public const string EnvironmentName = "Cluster";

    private static readonly Lazy<ClusterSettings> Instance = new(Load);

    private readonly Dictionary<Type, object> _options;

    private ClusterSettings(Dictionary<Type, object> options, TimeSpan shutdownTimeout, string urls, string dataDirectory)
    {
        _options = options;
        ShutdownTimeout = shutdownTimeout;
        Urls = urls;
        DataDirectory = dataDirectory;
    }

    public static ClusterSettings Current => Instance.Value;

    /// <summary>Every option class the silo binds, bound from the cluster configuration (unknown keys are errors).</summary>
    public IReadOnlyDictionary<Type, object> Options => _options;

    public SiloOptions Silo => Get<SiloOptions>();

    public LeaseOptions Leases => Get<LeaseOptions>();

    public StorageOptions Storage => Get<StorageOptions>();

    public ActivationCollectionOptions Activations => Get<ActivationCollectionOptions>();

    /// <summary>HostOptions.ShutdownTimeout: the longest graceful drain after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; }

    public string Urls { get; }

    /// <summary>The port of the (single) Urls entry: where the gateway listens.</summary>
    public int UrlsPort => new Uri(Urls.Split(';').Single()).Port;

    /// <summary>Storage:DataDirectory as configured (relative to the directory holding silo-config/ when relative).</summary>
    public string DataDirectory { get; }

    public T Get<T>() => (T)_options[typeof(T)];

    private static ClusterSettings Load()
    {
        var data = Directory.CreateTempSubdirectory("ops-deploy-tests-");
        var app = SiloApp.Build(
        [
            "--environment", EnvironmentName,
            "--silo-config", Repository.SiloConfig,
            "--Storage:DataDirectory", data.FullName,
            "--Storage:ConnectionString", "Host=127.0.0.1;Database=never_opened",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        try
        {
            var configuration = app.Configuration;
            var options = new Dictionary<Type, object>();
            foreach (var (section, type) in ConfigurationSchema.Silo.Sections)
            {
                var bound = configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
                var results = new List<ValidationResult>();
                if (!Validator.TryValidateObject(bound, new ValidationContext(bound), results, validateAllProperties: true))
                {
                    throw new InvalidOperationException($"Section {section}: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
                }

                // The host's own validators too (data annotations, Leases' relations between timings) where the
                // class is registered as options.
                try
                {
                    _ = typeof(IOptions<>).MakeGenericType(type).GetProperty("Value")!.GetValue(app.Services.GetService(typeof(IOptions<>).MakeGenericType(type)));
                }
                catch (TargetInvocationException exception) when (exception.InnerException is OptionsValidationException invalid)
                {
                    throw new InvalidOperationException($"Section {section}: {invalid.Message}", invalid);
                }

                options[type] = bound;
            }

            var shutdownTimeout = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
            return new ClusterSettings(options, shutdownTimeout, configuration["Urls"] ?? "", ReadFileDataDirectory());
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            data.Delete(recursive: true);
        }
    }

    /// <summary>Storage:DataDirectory from the files alone (the test overrode it on the command line).</summary>
    private static string ReadFileDataDirectory() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repository.SiloConfig, "appsettings.json"))
            .AddJsonFile(Path.Combine(Repository.SiloConfig, $"appsettings.{EnvironmentName}.json"))
            .Build()
            .GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.DataDirectory ?? new StorageOptions().DataDirectory;
}
