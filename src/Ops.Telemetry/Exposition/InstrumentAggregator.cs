using System.Diagnostics.Metrics;
using System.Globalization;

namespace Ops.Telemetry.Exposition;

/// <summary>
/// The series of one instrument. Recording finds the series of a label set without allocating (a linear scan of the
/// label sets seen, compared tag by tag; a handful per instrument) and updates it with interlocked operations.
/// </summary>
internal sealed class InstrumentAggregator
{
    /// <summary>Prometheus' default buckets, for second-valued histograms without advice.</summary>
    private static readonly double[] s_secondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>OpenTelemetry's default buckets, for other histograms without advice.</summary>
    private static readonly double[] s_defaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static readonly KeyValuePair<string, string>[] s_overflowLabels = [new("otel_metric_overflow", "true")];

    private readonly Instrument _instrument;
    private readonly Aggregation _aggregation;
    private readonly double[]? _bounds;
    private readonly int _maxSeries;
    private readonly Lock _lock = new();
    private Entry[] _entries = [];
    private int _seriesCount;
    private Cell? _overflow;

    private InstrumentAggregator(Instrument instrument, MetricKind kind, Aggregation aggregation, double[]? bounds, int maxSeries)
    {
        _instrument = instrument;
        Kind = kind;
        _aggregation = aggregation;
        _bounds = bounds;
        _maxSeries = maxSeries;
    }

    private enum Aggregation
    {
        Sum,
        LastValue,
        Histogram,

        /// <summary>An observable instrument: the values of the latest observation only.</summary>
        Observed,
    }

    public MetricKind Kind { get; }

    /// <summary>The aggregator for <paramref name="instrument"/>, or null for an instrument kind it does not know.</summary>
    public static InstrumentAggregator? Create(Instrument instrument, int maxSeries)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return new(instrument, MetricKind.Counter, Aggregation.Sum, null, maxSeries);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new(instrument, MetricKind.Counter, Aggregation.Observed, null, maxSeries);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new(instrument, MetricKind.Gauge, Aggregation.Sum, null, maxSeries);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return new(instrument, MetricKind.Gauge, Aggregation.Observed, null, maxSeries);
        }

        if (definition == typeof(Gauge<>))
        {
            return new(instrument, MetricKind.Gauge, Aggregation.LastValue, null, maxSeries);
        }

        if (definition == typeof(Histogram<>))
        {
            return new(instrument, MetricKind.Histogram, Aggregation.Histogram, BoundsOf(instrument), maxSeries);
        }

        return null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        var cell = Find(tags);
        switch (_aggregation)
        {
            case Aggregation.Sum:
                cell.Add(value);
                break;
            case Aggregation.Histogram:
                cell.Observe(_bounds!, value);
                break;
            default:
                cell.Set(value);
                break;
        }
    }

    /// <summary>Before observable instruments are read: an observable instrument forgets the previous observation.</summary>
    public void BeginObservation()
    {
        if (_aggregation != Aggregation.Observed)
        {
            return;
        }

        lock (_lock)
        {
            _entries = [];
            _seriesCount = 0;
            _overflow = null;
        }
    }

    public MetricFamily Snapshot()
    {
        var entries = Volatile.Read(ref _entries);
        var series = new List<MetricSeries>(entries.Length + 1);
        var seen = new HashSet<Cell>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
        {
            if (seen.Add(entry.Cell))
            {
                series.Add(entry.Cell.ToSeries(entry.Labels, _bounds));
            }
        }

        if (Volatile.Read(ref _overflow) is { } overflow)
        {
            series.Add(overflow.ToSeries(s_overflowLabels, _bounds));
        }

        return new MetricFamily(_instrument.Name, _instrument.Unit, _instrument.Description, Kind, series);
    }

    private Cell Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Matches(tags))
            {
                return entry.Cell;
            }
        }

        lock (_lock)
        {
            var entries = _entries;
            foreach (var entry in entries)
            {
                if (entry.Matches(tags))
                {
                    return entry.Cell;
                }
            }

            // The same labels in another order share the series; a new label set gets one while there is room.
            var labels = Canonical(tags);
            var cell = entries.FirstOrDefault(e => e.Labels.SequenceEqual(labels))?.Cell;
            if (cell is null)
            {
                if (_seriesCount >= _maxSeries)
                {
                    return _overflow ??= new Cell(_bounds);
                }

                cell = new Cell(_bounds);
                _seriesCount++;
            }

            Volatile.Write(ref _entries, [.. entries, new Entry(tags.ToArray(), labels, cell)]);
            return cell;
        }
    }

    private static KeyValuePair<string, string>[] Canonical(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, tags[i].Value switch
            {
                null => "",
                string text => text,
                bool flag => flag ? "true" : "false",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? "",
            });
        }

        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        if (advised is not null)
        {
            var bounds = advised.Where(b => !double.IsNaN(b) && !double.IsInfinity(b)).Distinct().Order().ToArray();
            if (bounds.Length > 0)
            {
                return bounds;
            }
        }

        return instrument.Unit == "s" ? s_secondsBuckets : s_defaultBuckets;
    }

    /// <summary>A label set as the instrument reported it (for the allocation-free scan), its labels, and its series.</summary>
    private sealed class Entry(KeyValuePair<string, object?>[] tags, KeyValuePair<string, string>[] labels, Cell cell)
    {
        public KeyValuePair<string, string>[] Labels { get; } = labels;

        public Cell Cell { get; } = cell;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, other[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, other[i].Value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>One series' value: a number (sum or last value), or bucket counts and a sum.</summary>
    private sealed class Cell(double[]? bounds)
    {
        private readonly long[]? _buckets = bounds is null ? null : new long[bounds.Length + 1];
        private long _valueBits;
        private long _sumBits;

        public void Add(double value) => AddDouble(ref _valueBits, value);

        public void Set(double value) => Interlocked.Exchange(ref _valueBits, BitConverter.DoubleToInt64Bits(value));

        public void Observe(double[] bounds, double value)
        {
            var index = Array.BinarySearch(bounds, value);
            Interlocked.Increment(ref _buckets![index < 0 ? ~index : index]);
            AddDouble(ref _sumBits, value);
        }

        public MetricSeries ToSeries(KeyValuePair<string, string>[] labels, double[]? bounds)
        {
            if (_buckets is null)
            {
                return new MetricSeries(labels, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _valueBits)));
            }

            var counts = new long[_buckets.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Interlocked.Read(ref _buckets[i]);
            }

            return new MetricSeries(labels, 0, new HistogramValue(bounds!, counts, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits))));
        }

        private static void AddDouble(ref long bits, double value)
        {
            long initial;
            long computed;
            do
            {
                initial = Interlocked.Read(ref bits);
                computed = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(initial) + value);
            }
            while (Interlocked.CompareExchange(ref bits, computed, initial) != initial);
        }
    }
}
