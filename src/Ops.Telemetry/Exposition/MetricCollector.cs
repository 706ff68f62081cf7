using System.Diagnostics.Metrics;

namespace Ops.Telemetry.Exposition;

/// <summary>
/// Aggregates the measurements of the meters it is told to include, in process, for a pull exporter: counters and
/// up-down counters as running sums, synchronous gauges as their last value, histograms into fixed buckets (the
/// instrument's advised boundaries, else defaults), observable instruments read at every <see cref="Collect"/>.
/// Everything is cumulative since the collector started.
/// </summary>
/// <remarks>
/// A <see cref="MeterListener"/> rather than the OpenTelemetry SDK (docs/observability.md): it can tell two hosts'
/// meters of the same name apart (<see cref="Meter.Scope"/>, the host's <see cref="IMeterFactory"/>), so each silo in a
/// process scrapes only its own, and the scrape path has no dependency beyond the BCL.
/// </remarks>
internal sealed class MetricCollector : IDisposable
{
    /// <summary>Series per instrument kept apart; further label sets go to one overflow series.</summary>
    public const int DefaultMaxSeries = 2_000;

    private readonly MeterListener _listener;
    private readonly Lock _collectLock = new();
    private readonly Lock _instrumentsLock = new();
    private readonly int _maxSeries;
    private List<InstrumentAggregator> _instruments = [];

    /// <summary>Starts listening to every instrument of a meter <paramref name="include"/> accepts, present and future.</summary>
    public MetricCollector(Func<Meter, bool> include, int maxSeries = DefaultMaxSeries)
    {
        ArgumentNullException.ThrowIfNull(include);
        _maxSeries = maxSeries;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (include(instrument.Meter) && InstrumentAggregator.Create(instrument, _maxSeries) is { } aggregator)
                {
                    lock (_instrumentsLock)
                    {
                        _instruments = [.. _instruments, aggregator];
                    }

                    listener.EnableMeasurementEvents(instrument, aggregator);
                }
            },
            MeasurementsCompleted = (instrument, state) =>
            {
                lock (_instrumentsLock)
                {
                    _instruments = [.. _instruments.Where(a => !ReferenceEquals(a, state))];
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>
    /// Includes the meters named <paramref name="names"/> that <paramref name="factory"/> created (its scope): the
    /// host's own meters, not another host's of the same name in this process.
    /// </summary>
    public static Func<Meter, bool> MetersOf(IMeterFactory factory, IReadOnlyCollection<string> names) =>
        meter => ReferenceEquals(meter.Scope, factory) && names.Contains(meter.Name);

    /// <summary>Reads the observable instruments and returns every instrument's series now.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collectLock)
        {
            var instruments = _instruments;
            foreach (var instrument in instruments)
            {
                instrument.BeginObservation();
            }

            _listener.RecordObservableInstruments();
            return [.. instruments.Select(i => i.Snapshot())];
        }
    }

    public void Dispose() => _listener.Dispose();
}
