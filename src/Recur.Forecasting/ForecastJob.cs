using Recur.Nn;

namespace Recur.Forecasting;

/// <summary>What <c>recur forecast</c> was asked for; null sizes are derived from the data (<see cref="ForecastDefaults"/>).</summary>
public sealed record ForecastOptions
{
    /// <summary>Path of the CSV file to read.</summary>
    public required string Csv { get; init; }
    /// <summary>The column to forecast.</summary>
    public required string Column { get; init; }
    /// <summary>Extra input columns (exogenous features), in the order fed to the model.</summary>
    public string[] Features { get; init; } = [];
    /// <summary>Input steps per forecast; null derives it from the season, the horizon and the training length.</summary>
    public int? Lookback { get; init; }
    /// <summary>Steps forecast from each origin; null takes the frequency's default.</summary>
    public int? Horizon { get; init; }
    /// <summary>Steps per season (seasonal naive and the anchor); null detects it from the training part.</summary>
    public int? Season { get; init; }

    /// <summary>Calendar cycles to feed; null chooses from the dates (<see cref="CalendarFeatures.Choose"/>), empty feeds none.</summary>
    public string[]? Calendar { get; init; }
    /// <summary>The encoder's cell: <c>rnn</c>, <c>lstm</c> or <c>gru</c>.</summary>
    public string Cell { get; init; } = "gru";
    /// <summary>The encoder's hidden size.</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>The encoder's number of stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Seed of the weight initialisation and of the sample order.</summary>
    public long Seed { get; init; }
    /// <summary>How the model is trained.</summary>
    public TrainingOptions Training { get; init; } = new();
}

/// <summary>The data read, the settings resolved and the samples cut, before any training.</summary>
public sealed record ForecastPlan(
    ForecastOptions Options,
    CsvSeries Series,
    SeriesFrequency Frequency,
    ForecastSplit Split,
    ForecastSpec Spec,
    ScaledSeries Scaled,
    int[] TrainOrigins,
    int[] ValidationOrigins,
    int[] TestOrigins,
    IReadOnlyList<string> Choices);

/// <summary>The protocol's result on the test part, model against baselines on the same origins, in the series' units.</summary>
public sealed record ForecastReport(
    ForecastPlan Plan,
    Forecaster Model,
    TrainingSummary Training,
    double[] ModelForecasts,
    double[] PersistenceForecasts,
    double[] SeasonalForecasts,
    ForecastErrors ModelErrors,
    ForecastErrors PersistenceErrors,
    ForecastErrors SeasonalErrors);

/// <summary>
/// The forecasting protocol of <c>data/README.md</c> end to end: read the column (gaps filled), split 70/10/20,
/// fit the scaling on the training part, train on training origins with early stopping on validation
/// origins, then score the model and both baselines on every test origin t ≥ lookback.
/// </summary>
public static class ForecastJob
{
    /// <summary>Reads the file and resolves every setting; throws the one-line errors of bad input.</summary>
    /// <exception cref="ArgumentException">A bad option, an unknown column.</exception>
    /// <exception cref="InvalidDataException">Too few rows for the lookback, horizon and split; an empty or all-missing column.</exception>
    public static ForecastPlan Prepare(ForecastOptions o)
    {
        if (!CellChoice.Names.Contains(o.Cell.ToLowerInvariant()))
            throw new ArgumentException($"unknown cell '{o.Cell}': expected one of {string.Join(", ", CellChoice.Names)}");
        Positive("--hidden", o.Hidden);
        Positive("--layers", o.Layers);
        if (o.Lookback is int l) Positive("--lookback", l);
        if (o.Horizon is int h) Positive("--horizon", h);
        if (o.Season is int s) Positive("--season", s);
        if (o.Training.Epochs < 0) throw new ArgumentException($"--epochs must be non-negative, got {o.Training.Epochs}");

        var series = CsvSeries.Load(o.Csv, o.Column, o.Features);
        var frequency = series.Dates is { } d ? SeriesFrequency.FromStep(d.MedianStep()) : SeriesFrequency.Undated;
        int n = series.Length;
        var split = ForecastSplit.Chronological(n);
        var target = series.Target.Values;
        var choices = new List<string>();
        if (series.Dates is { } order && order.MedianStep() < TimeSpan.Zero)
            choices.Add($"note: the dates in '{order.Name}' run backwards; rows are used in file order, which the protocol takes as time order");

        int season = o.Season ?? (frequency.HasDates ? frequency.Season : ForecastDefaults.DetectSeason(target.AsSpan(0, split.TrainEnd)));
        if (o.Season is null)
            choices.Add($"season {season} ({(frequency.HasDates ? $"{frequency.Name} data" : season > 1 ? "autocorrelation of the training part" : "no clear season in the training part")})");

        int horizon = o.Horizon ?? Math.Max(1, Math.Min(ForecastDefaults.Horizon(frequency, season),
            Math.Min(split.ValidationCount, split.TestCount)));
        if (o.Horizon is null) choices.Add($"horizon {horizon}");

        int lookback = o.Lookback ?? Math.Max(1, Math.Min(ForecastDefaults.Lookback(season, horizon, split.TrainCount), split.TrainCount - horizon));
        if (o.Lookback is null) choices.Add($"lookback {lookback}");

        var train = split.Origins(SeriesPart.Train, lookback, horizon);
        var validation = split.Origins(SeriesPart.Validation, lookback, horizon);
        var test = split.Origins(SeriesPart.Test, lookback, horizon);
        if (train.Length == 0 || validation.Length == 0 || test.Length == 0)
            throw new InvalidDataException(
                $"{o.Csv}: {n} rows are too few for lookback {lookback} and horizon {horizon}: the 70/10/20 split gives " +
                $"train {split.TrainCount}, validation {split.ValidationCount} and test {split.TestCount} rows, and needs " +
                $"train ≥ lookback + horizon = {lookback + horizon} and validation, test ≥ horizon = {horizon} rows");
        if (test[0] < season)
            throw new InvalidDataException(
                $"{o.Csv}: season {season} is longer than the {test[0]} rows before the first test origin: the seasonal naive baseline has no value one season back (use a smaller --season or a longer series)");

        string[] calendar;
        if (o.Calendar is { } asked)
        {
            CalendarFeatures.Validate(asked);
            if (asked.Length > 0 && series.Dates is null)
                throw new ArgumentException($"--calendar {string.Join(",", asked)} needs a date column, and {o.Csv} has none");
            calendar = asked;
        }
        else
        {
            calendar = series.Dates is { } dates
                ? CalendarFeatures.Choose(dates.MedianStep(), dates.Values[split.TrainEnd - 1] - dates.Values[0])
                : [];
            choices.Add(calendar.Length > 0 ? $"calendar inputs {string.Join(", ", calendar)}" : "no calendar inputs");
        }

        var spec = new ForecastSpec
        {
            Column = series.Target.Name,
            Features = [.. series.Features.Select(f => f.Name)],
            Cell = o.Cell.ToLowerInvariant(),
            Hidden = o.Hidden,
            Layers = o.Layers,
            Lookback = lookback,
            Horizon = horizon,
            Season = season,
            Anchor = ForecastAnchor.Last,
            TargetScaler = StandardScaler.Fit(target, split),
            FeatureScalers = [.. series.Features.Select(f => StandardScaler.Fit(f.Values, split))],
            Calendar = calendar,
            Step = frequency.Step,
            DateFormat = series.Dates?.Format ?? "",
        };
        spec = spec with { Anchor = ChooseAnchor(target, validation, spec, choices) };
        var scaled = ScaledSeries.From(spec, target, [.. series.Features.Select(f => f.Values)], series.Dates?.Values);
        return new ForecastPlan(o, series, frequency, split, spec, scaled, train, validation, test, choices);
    }

    /// <summary>Trains on the plan's samples and scores the model and the baselines on its test origins.</summary>
    public static ForecastReport Run(ForecastPlan plan, Action<EpochReport>? report = null)
    {
        var o = plan.Options;
        var spec = plan.Spec;
        var model = Forecaster.Create(spec, new Generator(o.Seed));
        var train = ForecastBatch.Cut(spec, plan.Scaled, plan.TrainOrigins, withTargets: true);
        var validation = ForecastBatch.Cut(spec, plan.Scaled, plan.ValidationOrigins, withTargets: true);
        var summary = ForecastTrainer.Train(model, train, validation, o.Training, new Generator(o.Seed ^ 0x5EED), report);

        var y = plan.Series.Target.Values;
        var origins = plan.TestOrigins;
        int H = spec.Horizon;
        var forecasts = model.Forecast(plan.Scaled, origins);
        var persistence = Baselines.Persistence(y, origins, H);
        var seasonal = Baselines.SeasonalNaive(y, origins, H, spec.Season);
        return new ForecastReport(plan, model, summary, forecasts, persistence, seasonal,
            ForecastMetrics.Evaluate(y, origins, H, forecasts),
            ForecastMetrics.Evaluate(y, origins, H, persistence),
            ForecastMetrics.Evaluate(y, origins, H, seasonal));
    }

    // The seasonal anchor needs the season inside the lookback; it is taken when it beats persistence on validation.
    private static ForecastAnchor ChooseAnchor(double[] y, int[] validation, ForecastSpec spec, List<string> choices)
    {
        if (spec.Season <= 1 || spec.Season > spec.Lookback)
        {
            choices.Add(spec.Season > spec.Lookback
                ? $"anchor: persistence (season {spec.Season} is beyond the lookback {spec.Lookback})"
                : "anchor: persistence");
            return ForecastAnchor.Last;
        }
        int H = spec.Horizon;
        double last = ForecastMetrics.Evaluate(y, validation, H, Baselines.Persistence(y, validation, H)).Rmse;
        double seasonal = ForecastMetrics.Evaluate(y, validation, H, Baselines.SeasonalNaive(y, validation, H, spec.Season)).Rmse;
        var anchor = seasonal < last ? ForecastAnchor.Seasonal : ForecastAnchor.Last;
        choices.Add(FormattableString.Invariant(
            $"anchor: {(anchor == ForecastAnchor.Seasonal ? "seasonal naive" : "persistence")} (validation RMSE: persistence {last:0.###}, seasonal naive {seasonal:0.###})"));
        return anchor;
    }

    private static void Positive(string option, int value)
    {
        if (value < 1) throw new ArgumentException($"{option} must be at least 1, got {value}");
    }
}
