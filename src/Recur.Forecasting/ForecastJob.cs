using Recur.Nn;

namespace Recur.Forecasting;

/// <summary>
/// The fitting protocol end to end (<see cref="Forecaster.Fit"/>): per series, split (fractions or a test start date),
/// transform and scale on the training part; one network trained on every series' training origins with early stopping
/// on their validation origins; per series, the point method that wins on validation (network, baselines, ensembles) and
/// conformal interval offsets from its validation residuals; then model and baselines scored on every test origin.
/// </summary>
public static class ForecastJob
{
    /// <summary>Fits and evaluates; see <see cref="Forecaster.Fit"/>.</summary>
    public static ForecastResult Fit(SeriesSet data, ForecastOptions o, Action<EpochReport>? progress = null)
    {
        CheckOptions(o);
        (data, o) = LeaveOutTooShort(data, o);
        var result = Fit(data, o, progress, s => Split(s, o));
        if (!o.Refit || o.Backtest < 2) return result;
        var refit = EvaluateRefit(result, data, o);
        var notes = result.Notes.Append($"backtest: the model refitted at each of {refit.Series.Min(x => x.Folds.Count)} fold origins on the rows before it (scores and predictions from the fold models; the saved model is the one fitted on the whole split)");
        return result with { Evaluation = refit, Notes = [.. notes] };
    }

    private static SeriesFrequency Frequency(SeriesSet data) =>
        data.Step is null ? SeriesFrequency.Undated
        : data.Step.Unit == DateStepUnit.BusinessDays ? new SeriesFrequency("business daily", TimeSpan.FromDays(1), 5, 5)
        : SeriesFrequency.FromStep(data.Step.Approximate);

    // Season, horizon and lookback: the options' where given, else defaults from the frequency, kept within the train, validation
    // and test rows given (each with a note saying what was chosen).
    private static (int Season, int Horizon, int Lookback) Sizes(SeriesSet data, ForecastOptions o, SeriesFrequency frequency, ForecastSplit firstSplit,
        int train, int validation, int test, List<string> notes)
    {
        int Detect() => ForecastDefaults.DetectSeason(data.Series[0].Filled().AsSpan(0, firstSplit.TrainEnd));
        string Detected(int s) => s > 1 ? "autocorrelation of the training part" : "no clear season in the training part";
        int season = o.Season ?? (frequency.HasDates ? frequency.Season : Detect());
        if (o.Season is null && frequency.HasDates && season > firstSplit.TrainEnd)
        {
            // Less than one season of training rows (a year of weekly data): the frequency's season cannot be seen, let alone
            // learned; the training part's own autocorrelation decides, as for undated data (it was an error asking for --season).
            int calendar = season;
            season = Detect();
            notes.Add($"season {season} ({frequency.Name} data, but the {firstSplit.TrainEnd} rows before validation are fewer than its season of {calendar}: {Detected(season)})");
        }
        else if (o.Season is null)
            notes.Add($"season {season} ({(frequency.HasDates ? $"{frequency.Name} data" : Detected(season))})");
        int horizon = o.Horizon ?? Math.Max(1, Math.Min(ForecastDefaults.Horizon(frequency, season), Math.Min(validation, test)));
        if (o.Horizon is null) notes.Add($"horizon {horizon}");
        int lookback = o.Lookback ?? ForecastDefaults.Lookback(season, horizon, train);
        if (o.Lookback is null) notes.Add($"lookback {lookback}");
        return (season, horizon, lookback);
    }

    // Why series s cannot be fitted with these sizes, or null when it can.
    private static string? TooShort(SeriesSet data, TimeSeries s, ForecastSplit split, int season, int horizon, int lookback)
    {
        if (split.TrainCount < lookback + horizon || split.ValidationCount < horizon || split.TestCount < horizon)
            return $"{data.Source}: series {Excerpt.Of(s.Name)}: {s.Length} rows are too few for lookback {lookback} and horizon {horizon}: the split gives " +
                   $"train {split.TrainCount}, validation {split.ValidationCount} and test {split.TestCount} rows, and needs " +
                   $"train ≥ lookback + horizon = {lookback + horizon} and validation, test ≥ horizon = {horizon} rows";
        if (Math.Max(lookback, split.TrainEnd) < season)
            return $"{data.Source}: series {Excerpt.Of(s.Name)}: season {season} is longer than the {split.TrainEnd} rows before the first validation origin: " +
                   "the seasonal naive baseline has no value one season back (use a smaller --season or a longer series)";
        return null;
    }

    /// <summary>
    /// Several series of different lengths (a long file where some ids start late): the sizes come from the median series, and
    /// the series too short for them are left out with a note — rather than one new id shrinking every series' horizon and
    /// lookback to what its few rows allow, or failing the whole fit. So are series that end before <c>--test-start</c> (a
    /// delisted stock has no test part). The fit then runs on the rest with those sizes given.
    /// Nothing changes when every series fits (or none does: then the fit's own error names the first).
    /// </summary>
    private static (SeriesSet Data, ForecastOptions Options) LeaveOutTooShort(SeriesSet data, ForecastOptions o)
    {
        if (data.Series.Count < 2) return (data, o);
        // A series whose last date comes before --test-start (a delisted stock) has no test part at all.
        // One that starts on or after it (a new listing) has nothing to train on.
        var ended = data.Series.Where(s => o.TestStart is DateTime start && s.Dates is { Length: > 0 } d && (d[^1] < start || d[0] >= start)).ToList();
        var splits = data.Series.Except(ended).ToDictionary(s => s.Name, s => Split(s, o));
        if (splits.Count == 0) return (data, o);
        int Median(Func<ForecastSplit, int> count)
        {
            var c = splits.Values.Select(count).Order().ToArray();
            return c[c.Length / 2];
        }
        var notes = new List<string>();   // what this adds to the file's notes
        var first = data.Series.First(s => splits.ContainsKey(s.Name));
        var (season, horizon, lookback) = Sizes(data, o, Frequency(data), splits[first.Name], Median(x => x.TrainCount),
            Median(x => x.ValidationCount), Median(x => x.TestCount), notes);
        var kept = data.Series.Where(s => splits.ContainsKey(s.Name) && TooShort(data, s, splits[s.Name], season, horizon, lookback) is null).ToList();
        if (kept.Count == data.Series.Count || kept.Count == 0) return (data, o);
        var tooShort = data.Series.Where(s => splits.ContainsKey(s.Name) && !kept.Contains(s)).Select(s => $"{s.Name} ({s.Length} rows)").ToList();
        if (ended.Count > 0)
            notes.Add($"left out {ended.Count} series that end before --test-start {o.TestStart:yyyy-MM-dd} or start on or after it: " +
                      Excerpt.List([.. ended.Select(s => s.Dates![^1] < o.TestStart ? $"{s.Name} (last date {s.Dates![^1]:yyyy-MM-dd})" : $"{s.Name} (first date {s.Dates[0]:yyyy-MM-dd})")]));
        if (tooShort.Count > 0)
            notes.Add($"left out {tooShort.Count} series too short for lookback {lookback} and horizon {horizon} (the sizes the median series allows; " +
                      $"a series needs train ≥ lookback + horizon and validation, test ≥ horizon rows): {Excerpt.List(tooShort)}");
        return (data.WithSeries(kept, [.. notes]), o with { Season = season, Horizon = horizon, Lookback = lookback });
    }

    /// <summary>
    /// How much lower the validation MASE of the chosen method under a transform with more fitted parameters (none, then log,
    /// then Box-Cox) must be for <c>--transform auto</c> to take it: 2 %. Box-Cox's λ is one more number fitted on the training
    /// part, and a near-tie on a dozen validation origins is no evidence for it (docs/FORECASTING.md, "The transform choice").
    /// </summary>
    public const double TransformMargin = 0.02;

    // The fit on the split splitOf gives each series; the test part is only read by the evaluation. --transform auto fits the
    // whole model (networks, method choice, intervals) under no transform, log and Box-Cox, and keeps the simplest whose chosen
    // method's validation MASE is not beaten by more than TransformMargin by a more complex one.
    private static ForecastResult Fit(SeriesSet data, ForecastOptions o, Action<EpochReport>? progress, Func<TimeSeries, ForecastSplit> splitOf, bool evaluate = true)
    {
        if (o.Transform != "auto") return Fit(data, o, progress, splitOf, evaluate, null);
        if (!data.Series.Any(s => s.Filled().All(v => v > 0)))
            return Fit(data, o, progress, splitOf, evaluate, "none");
        ForecastResult? best = null;
        var scores = new List<string>();
        foreach (var candidate in new[] { "none", "log", "boxcox" })
        {
            var fit = Fit(data, o, progress, splitOf, evaluate: false, candidate);
            scores.Add(FormattableString.Invariant($"{candidate} {fit.ValidationMase:0.###}"));
            if (best is null || fit.ValidationMase < best.ValidationMase * (1 - TransformMargin)) best = fit;
        }
        var kinds = best!.Model.Spec.Series.Select(x => x.Transform.Kind).Distinct().ToArray();
        var notes = best.Notes.Append($"transform auto: validation MASE of the method chosen under each: {string.Join(", ", scores)}; kept {(kinds.Length == 1 ? kinds[0] : "a transform per series")} " +
            $"(a transform with more fitted parameters must be {TransformMargin:0%} lower)").ToList();
        var evaluation = evaluate ? Evaluate(best.Model, data, s => best.Splits[s.Name], o.Backtest) : best.Evaluation;
        return best with { Evaluation = evaluation, Notes = notes };
    }

    // One fit; candidate (under --transform auto): the transform of every series whose values are all positive (none for the others).
    private static ForecastResult Fit(SeriesSet data, ForecastOptions o, Action<EpochReport>? progress, Func<TimeSeries, ForecastSplit> splitOf, bool evaluate, string? candidate)
    {
        var notes = new List<string>(data.Notes);
        var frequency = Frequency(data);
        var splits = data.Series.ToDictionary(s => s.Name, splitOf);
        var first = data.Series[0];
        var firstSplit = splits[first.Name];
        var (season, horizon, lookback) = Sizes(data, o, frequency, splits[first.Name], splits.Values.Min(s => s.TrainCount),
            splits.Values.Min(s => s.ValidationCount), splits.Values.Min(s => s.TestCount), notes);
        foreach (var s in data.Series)
            if (TooShort(data, s, splits[s.Name], season, horizon, lookback) is { } why)
                throw new InvalidDataException(why);

        string[] calendar;
        if (o.Calendar is { } asked)
        {
            CalendarFeatures.Validate(asked);
            if (asked.Length > 0 && first.Dates is null)
                throw new ArgumentException($"--calendar {string.Join(",", asked)} needs a date column, and {data.Source} has none");
            calendar = asked;
        }
        else
        {
            calendar = first.Dates is { } dates && data.Step is not null
                ? CalendarFeatures.Choose(data.Step.Approximate, dates[firstSplit.TrainEnd - 1] - dates[0])
                : [];
            notes.Add(calendar.Length > 0 ? $"calendar inputs {string.Join(", ", calendar)}" : "no calendar inputs");
        }

        var levels = o.Quantiles.Order().ToArray();
        var states = new List<SeriesState>();
        foreach (var s in data.Series)
        {
            var split = splits[s.Name];
            var y = s.Filled();
            var transform = ChooseTransform(s, y, split, candidate is null ? o.Transform : y.All(v => v > 0) ? candidate : "none", notes);
            var z = transform.Forward(y);
            CheckScalable(data.Source, s.Name, z, split);
            var inputs = s.Inputs.Select(Fill).ToArray();
            states.Add(new SeriesState
            {
                Name = s.Name,
                Transform = transform,
                Scaler = StandardScaler.Fit(z.AsSpan(0, split.TrainEnd)),
                InputScalers = [.. inputs.Select(i => StandardScaler.Fit(i.AsSpan(0, split.TrainEnd)))],
                TrainMean = z.Take(split.TrainEnd).Average(),
                HoltWinters = HoltWinters.Fit(z.AsSpan(0, split.TrainEnd), season),
                Method = "network",
                Offsets = [.. levels.Select(_ => new double[horizon])],
            });
        }

        bool embedding = (o.SeriesEmbedding ?? data.Series.Count > 1) && data.Series.Count > 1;
        if (embedding && data.Series.Count > ForecastOptions.MaxEmbeddedSeries)
        {
            if (o.SeriesEmbedding == true)
                throw new ArgumentException($"a series embedding is made for at most {ForecastOptions.MaxEmbeddedSeries} series, and {data.Source} has {data.Series.Count}");
            embedding = false;
        }
        if (data.Series.Count > 1)
            notes.Add(embedding ? $"series embedding: {data.Series.Count} indicator inputs" : "no series embedding");
        var spec = new ForecastSpec
        {
            SeriesEmbedding = embedding,
            ValueColumn = data.ValueColumn,
            SeriesIdColumn = data.SeriesIdColumn,
            Features = [.. data.Features],
            KnownFuture = [.. data.KnownFuture],
            Cell = o.Cell.ToLowerInvariant(),
            Hidden = o.Hidden,
            Layers = o.Layers,
            Lookback = lookback,
            Horizon = horizon,
            Season = season,
            Anchor = ForecastAnchor.Last,
            Calendar = calendar,
            Step = data.Step,
            DateFormat = data.DateFormat,
            Quantiles = levels,
            Series = [.. states],
            LearnedQuantiles = o.Intervals is "learned" or "gaussian" && levels.Length > 0,
            Gaussian = o.Intervals == "gaussian" && levels.Length > 0,
        };
        spec = spec with { Anchor = ChooseAnchor(data, splits, spec, notes) };

        // One network on every series' samples: anchored on persistence or seasonal naive ("network" and its ensembles) and,
        // for --method auto or hybrid, a second one anchored on Holt-Winters (the hybrid); validation keeps one of them.
        (Forecaster Model, TrainingSummary Summary)? Train(ForecastSpec sp)
        {
            var scaled = data.Series.Select((s, i) => ScaledSeries.From(sp, states[i], s.Filled(), [.. s.Inputs.Select(Fill)], s.Dates)).ToArray();
            // The hybrid's training origins start where Holt-Winters' recursion has a forecast.
            int From(int i) => sp.Anchor == ForecastAnchor.HoltWinters ? ForecastBatch.HoltWintersStart(states[i]) : 0;
            var train = ForecastBatch.Concat([.. data.Series.Select((s, i) => ForecastBatch.Cut(sp, scaled[i],
                [.. splits[s.Name].Origins(SeriesPart.Train, lookback, horizon).Where(t => t >= From(i))], true))]);
            if (train.Count == 0) return null;
            var validation = ForecastBatch.Concat([.. data.Series.Select((s, i) => ForecastBatch.Cut(sp, scaled[i], splits[s.Name].Origins(SeriesPart.Validation, lookback, horizon), true))]);
            var m = Forecaster.Create(sp, new Generator(o.Seed));
            return (m, ForecastTrainer.Train(m, train, validation, o.Training, new Generator(o.Seed ^ 0x5EED), progress));
        }
        bool forcedHybrid = ForecastMethods.IsHybrid(o.Method);
        var plain = forcedHybrid ? null : Train(spec);
        var hybrid = o.Method == "auto" || forcedHybrid ? Train(spec with { Anchor = ForecastAnchor.HoltWinters }) : null;
        if (forcedHybrid && hybrid is null)
            throw new InvalidDataException($"{data.Source}: --method hybrid has no training origin after Holt-Winters' start (season {season}): use a longer series or a smaller --season");
        if (hybrid is not null && plain is not null)
            notes.Add(FormattableString.Invariant($"hybrid network (Holt-Winters anchor) trained beside the network: best validation loss {hybrid.Value.Summary.BestValidationLoss:0.####} against {plain.Value.Summary.BestValidationLoss:0.####}"));

        // The method that wins on validation (error in MASE units, so series weigh alike): per series for one series, and
        // one for all series of a global model, where a short validation part per series would make the choice noisy.
        // Each series' filled values, their transform and filled inputs: read by the choice and by the scoring below.
        var prepared = data.Series.Select((s, i) =>
        {
            var y = s.Filled();
            return (S: s, Split: splits[s.Name], Y: y, Z: states[i].Transform.Forward(y), Inputs: s.Inputs.Select(Fill).ToArray());
        }).ToArray();
        var errors = new Dictionary<string, double>[states.Count];
        var originErrors = new Dictionary<string, double[]>[states.Count];
        for (int i = 0; i < states.Count; i++)
        {
            var (s, split, y, z, inputs) = prepared[i];
            var origins = split.Origins(SeriesPart.Validation, lookback, horizon);
            double scale = ForecastMetrics.MaseScale(s.Values, split.TrainEnd, season);
            // Every method the trained networks allow; the rest cannot be chosen.
            errors[i] = ForecastMethods.Names.ToDictionary(m => m, _ => double.PositiveInfinity);
            originErrors[i] = [];
            // The baselines need no network: with the hybrid alone (--method hybrid) they are scored through its model.
            var hybridMethods = plain is null ? ForecastMethods.Names.Where(m => !ForecastMethods.UsesNetwork(m)).Append("hybrid") : ["hybrid"];
            foreach (var (trained, methods) in new[] { (plain, ForecastMethods.Names.Where(m => !ForecastMethods.IsHybrid(m))), (hybrid, hybridMethods) })
                if (trained is { } t)
                    foreach (var (m, e) in MethodErrors(t.Model, states[i], s, y, z, inputs, origins, season, horizon, scale, [.. methods]))
                        (errors[i][m], originErrors[i][m]) = e;
        }
        // The method (forced, or chosen as said above), and why when it is not the least validation MASE.
        var (kept, choiceWhy) = o.Method != "auto" ? (o.Method, null)
            : states.Count > 1 ? MethodChoice.ChooseShared(errors, originErrors, horizon)
            : MethodChoice.Choose(errors[0], originErrors[0], horizon);
        // The network kept: the hybrid when it is the method (chosen or forced), else the one anchored on persistence or seasonal naive.
        var (model, summary) = ForecastMethods.IsHybrid(kept) ? hybrid!.Value : plain ?? hybrid!.Value;
        spec = model.Spec;
        if (states.Count > 1)
            notes.Add($"method for every series: {kept}{(o.Method != "auto" ? " (--method)" : "")} (mean validation MASE: {string.Join(", ", ForecastMethods.Names.Where(m => errors.All(x => double.IsFinite(x[m]))).Select(m => $"{m} {errors.Average(x => x[m]):0.###}"))})" +
                      (choiceWhy is null ? "" : $"; {choiceWhy}"));

        var validationResiduals = new double[states.Count][];
        var trainingResiduals = new double[states.Count][];
        for (int i = 0; i < states.Count; i++)
        {
            var (s, split, y, z, inputs) = prepared[i];
            if (states.Count == 1)
                notes.Add($"method {kept}{(o.Method != "auto" ? " (--method)" : "")} (validation MASE: {string.Join(", ", ForecastMethods.Names.Where(m => double.IsFinite(errors[i][m])).Select(m => $"{m} {errors[i][m]:0.###}"))})" +
                          (choiceWhy is null ? "" : $"; {choiceWhy}"));

            // Residuals in scaled units on the validation origins and on the training part's origins (in-sample there, so the
            // scale per step is the larger of the two parts').
            int from = Math.Max(Math.Max(lookback, season), Math.Max(2, states[i].HoltWinters.Season));
            var trainOrigins = Enumerable.Range(from, Math.Max(0, split.TrainEnd - horizon - from + 1)).ToArray();
            int every = Math.Max(1, trainOrigins.Length / 1000);
            trainOrigins = [.. trainOrigins.Where((_, k) => k % every == 0)];
            double[] Residuals(int[] ro)
            {
                if (ro.Length == 0) return [];
                var point = ForecastMethods.Forecast(kept, z, states[i], season, ro, horizon,
                    () => model.ForecastTransformed(states[i], z, y, inputs, s.Dates, ro, "network"));
                var r = new double[point.Length];
                for (int k = 0; k < point.Length; k++)
                {
                    double actual = s.Values[ro[k / horizon] + k % horizon];
                    double volatility = ConformalIntervals.Volatility(z, ro[k / horizon], spec.VolatilityWindow, states[i].Scaler.Std);
                    r[k] = double.IsNaN(actual) ? double.NaN : (states[i].Transform.Forward(actual) - point[k]) / states[i].Scaler.Std / volatility;
                }
                return r;
            }
            validationResiduals[i] = Residuals(split.Origins(SeriesPart.Validation, lookback, horizon));
            trainingResiduals[i] = Residuals(trainOrigins);
            states[i] = states[i] with { Method = kept };
        }
        // A global model reads its normalised residual quantiles from every series' residuals (see PooledOffsets).
        var allOffsets = states.Count > 1
            ? ConformalIntervals.PooledOffsets(validationResiduals, trainingResiduals, horizon, levels)
            : [.. validationResiduals.Select((v, i) => ConformalIntervals.Offsets(v, trainingResiduals[i], horizon, levels))];
        for (int i = 0; i < states.Count; i++) states[i] = states[i] with { Offsets = allOffsets[i] };
        if (spec.LearnedQuantiles)
        {
            // Conformal offsets are still kept for every series: a baseline method has no quantile head.
            var conformal = states.Where(st => !ForecastMethods.UsesNetwork(st.Method)).Select(st => st.Name).ToArray();
            notes.Add(conformal.Length == 0 ? $"intervals: {spec.IntervalKind} (the network's {(spec.Gaussian ? "distribution" : "quantile")} head)"
                : $"intervals: {spec.IntervalKind} for the network's methods; conformal for {Excerpt.List(conformal)} (a baseline method has no quantile head)");
            // The head is trained on the training origins, where the network's errors are smallest: its spread is rescaled by the
            // factor that minimises the validation pinball loss (pooled over the series of a global model, as the conformal quantiles).
            var scaled = new List<(double[] R, double[][] Spread)>();
            var learnedSeries = new List<int>();
            for (int i = 0; i < states.Count; i++)
            {
                if (!model.LearnsQuantiles(states[i].Method)) continue;
                var (s, split, y, z, inputs) = prepared[i];
                scaled.Add(model.LearnedResiduals(states[i], z, y, inputs, s.Dates, split.Origins(SeriesPart.Validation, lookback, horizon), states[i].Method, s.Values));
                learnedSeries.Add(i);
            }
            if (scaled.Count > 0)
            {
                double factor = QuantileHeads.ValidationScale(scaled, horizon, levels);
                foreach (int i in learnedSeries) states[i] = states[i] with { QuantileScale = factor };
                notes.Add(FormattableString.Invariant($"learned quantiles: spread × {factor:0.###} (validation pinball)"));
            }
        }
        // Intervals are rescaled by the residuals of the last 4·H steps before each origin (at most half the validation + test
        // rows, so a predict on the training file reads out-of-sample residuals only; a longer window lagged a drifting error
        // scale: 69 % against 76 % coverage on hourly seattle-temps), with the static offsets weighing as H/2 steps of residuals (measured on the eval tool's cases over four generator seeds:
        // docs/FORECASTING.md, "Interval coverage").
        int calibrationRows = splits.Values.Min(p => p.ValidationCount + p.TestCount);
        model.Spec = spec with { Series = [.. states], CalibrationWindow = Math.Max(horizon, Math.Min(calibrationRows / 2, 4 * horizon)), CalibrationPrior = horizon * horizon / 2.0 };
        var evaluation = evaluate ? Evaluate(model, data, s => splits[s.Name], o.Backtest) : new ForecastEvaluation([], levels, horizon);
        return new ForecastResult(model, summary, evaluation, notes, splits)
        {
            ValidationMase = states.Select((st, i) => errors[i][st.Method]).Average(),
        };
    }

    /// <summary>Scores <paramref name="model"/> and the baselines on the test part of every series; see <see cref="Forecaster.Evaluate"/>.</summary>
    public static ForecastEvaluation Evaluate(Forecaster model, SeriesSet data, Func<TimeSeries, ForecastSplit> splitOf, int backtest)
    {
        if (backtest < 1) throw new ArgumentException($"--backtest must be at least 1, got {backtest}");
        var spec = model.Spec;
        int H = spec.Horizon, S = spec.Season;
        var results = new List<SeriesEvaluation>();
        foreach (var s in data.Series)
        {
            var state = spec.For(s.Name);
            var split = splitOf(s);
            var origins = TestOrigins(data, s, split, spec);
            var y = s.Filled();
            var inputs = s.Inputs.Select(Fill).ToArray();
            var forecast = model.ForecastSeries(state, y, inputs, s.Dates, origins, actual: s.Values, calibrateFrom: split.TrainEnd);
            var baselines = BaselineForecasts(y, split.TrainEnd, S, origins, H);
            var snQuantiles = spec.Quantiles.Length > 0 ? SeasonalNaiveQuantiles(s.Values, y, split.TrainEnd, origins, H, S, spec.Quantiles) : null;
            results.Add(Score(s, state.Method, split, spec, forecast, baselines, snQuantiles, Folds(origins.Length, backtest), null));
        }
        return new ForecastEvaluation(results, spec.Quantiles, H);
    }

    /// <summary>
    /// The rolling-origin backtest with refit (<see cref="ForecastOptions.Refit"/>): the test origins of every series cut into
    /// K consecutive folds; at each fold's first origin a new model (same sizes and options) is fitted on the rows before it
    /// (its last 1/8, or the --split ratio, for validation) and forecasts that fold's origins; the baselines are refitted on
    /// the same training rows. Scores over all origins and per fold, as <see cref="Evaluate"/>.
    /// </summary>
    private static ForecastEvaluation EvaluateRefit(ForecastResult main, SeriesSet data, ForecastOptions o)
    {
        var spec = main.Model.Spec;
        int H = spec.Horizon, S = spec.Season;
        var origins = data.Series.ToDictionary(s => s.Name, s => TestOrigins(data, s, main.Splits[s.Name], spec));
        int k = Math.Min(o.Backtest, origins.Values.Min(x => x.Length));
        var ranges = data.Series.ToDictionary(s => s.Name, s => Folds(origins[s.Name].Length, k));
        var parts = data.Series.ToDictionary(s => s.Name, _ => new List<(int[] Origins, SeriesForecast Forecast, Dictionary<string, double[]> Baselines, double[][]? Quantiles, string Method, int TrainEnd)>());
        for (int f = 0; f < k; f++)
        {
            ForecastSplit FoldSplit(TimeSeries s)
            {
                int start = origins[s.Name][ranges[s.Name][f].From];
                int validation = (int)Math.Round(start * o.ValidationFraction / (o.TrainFraction + o.ValidationFraction));
                return ForecastSplit.FromBoundaries(s.Length, start - Math.Max(H, validation), start);
            }
            var options = o with { Lookback = spec.Lookback, Horizon = H, Season = S, Calendar = spec.Calendar, Backtest = 1, Refit = false, TestStart = null };
            var fit = Fit(data, options, null, FoldSplit, evaluate: false);
            foreach (var s in data.Series)
            {
                var (from, to) = ranges[s.Name][f];
                var fo = origins[s.Name][from..to];
                var split = fit.Splits[s.Name];
                var state = fit.Model.Spec.For(s.Name);
                var y = s.Filled();
                var forecast = fit.Model.ForecastSeries(state, y, [.. s.Inputs.Select(Fill)], s.Dates, fo, actual: s.Values, calibrateFrom: split.TrainEnd);
                var quantiles = spec.Quantiles.Length > 0 ? SeasonalNaiveQuantiles(s.Values, y, split.TrainEnd, fo, H, S, spec.Quantiles) : null;
                parts[s.Name].Add((fo, forecast, BaselineForecasts(y, split.TrainEnd, S, fo, H), quantiles, state.Method, split.TrainEnd));
            }
        }
        var results = new List<SeriesEvaluation>();
        foreach (var s in data.Series)
        {
            var p = parts[s.Name];
            double[] Join(Func<int, double[]> part) => [.. Enumerable.Range(0, k).SelectMany(part)];
            var forecast = new SeriesForecast(origins[s.Name], H, Join(f => p[f].Forecast.Point),
                [.. spec.Quantiles.Select((_, q) => Join(f => p[f].Forecast.Quantiles[q]))]);
            var baselines = ForecastMethods.Baselines.ToDictionary(b => b, b => Join(f => p[f].Baselines[b]));
            var snQuantiles = spec.Quantiles.Length > 0 ? spec.Quantiles.Select((_, q) => Join(f => p[f].Quantiles![q])).ToArray() : null;
            string method = p.Select(x => x.Method).Distinct().Count() == 1 ? p[0].Method : string.Join(" / ", p.Select(x => x.Method));
            results.Add(Score(s, method, main.Splits[s.Name], spec, forecast, baselines, snQuantiles, ranges[s.Name], [.. p.Select(x => x.Method)]));
        }
        return new ForecastEvaluation(results, spec.Quantiles, H);
    }

    // Validation MASE of each of methods at origins, by model (whose state is the series'), and per origin (the mean absolute
    // error of its steps over the MASE scale; NaN where every step is missing).
    private static Dictionary<string, (double Mase, double[] PerOrigin)> MethodErrors(Forecaster model, SeriesState state, TimeSeries s, double[] y, double[] z,
        double[][] inputs, int[] origins, int season, int horizon, double scale, string[] methods)
    {
        double[]? network = null;
        double[] Network() => network ??= model.ForecastTransformed(state, z, y, inputs, s.Dates, origins, "network");
        var errors = new Dictionary<string, (double, double[])>();
        foreach (var method in methods)
        {
            // A copy: "network" returns the cached network forecasts, which the combinations read after it in transformed units.
            var f = (double[])ForecastMethods.Forecast(method, z, state, season, origins, horizon, Network).Clone();
            for (int k = 0; k < f.Length; k++) f[k] = state.Transform.Inverse(f[k]);
            double mase = ForecastMetrics.Score(s.Values, origins, horizon, f, scale).Mase;
            errors[method] = (double.IsNaN(mase) ? double.PositiveInfinity : mase, ForecastMetrics.OriginErrors(s.Values, origins, horizon, f, scale));
        }
        return errors;
    }

    private static int[] TestOrigins(SeriesSet data, TimeSeries s, ForecastSplit split, ForecastSpec spec)
    {
        var origins = split.Origins(SeriesPart.Test, Math.Max(spec.Lookback, spec.Season), spec.Horizon);
        if (origins.Length == 0)
            throw new InvalidDataException($"{data.Source}: series {Excerpt.Of(s.Name)} has no test origin (test part {split.TestCount} rows, horizon {spec.Horizon})");
        return origins;
    }

    // Consecutive folds [From, To) of n origins.
    private static (int From, int To)[] Folds(int n, int backtest)
    {
        int k = Math.Min(backtest, n);
        return [.. Enumerable.Range(0, k).Select(f => ((int)((long)f * n / k), (int)((long)(f + 1) * n / k)))];
    }

    // The five baselines with their parameters (training mean, Holt-Winters) from the rows before trainEnd, in the series' units.
    private static Dictionary<string, double[]> BaselineForecasts(double[] y, int trainEnd, int S, int[] origins, int H)
    {
        var raw = new SeriesState { Name = "", Transform = SeriesTransform.None, Scaler = new StandardScaler(0, 1), InputScalers = [],
            TrainMean = y.Take(trainEnd).Average(), HoltWinters = HoltWinters.Fit(y.AsSpan(0, trainEnd), S), Method = "mean", Offsets = [] };
        return ForecastMethods.Baselines.ToDictionary(b => b, b => ForecastMethods.Forecast(b, y, raw, S, origins, H, () => []));
    }

    private static SeriesEvaluation Score(TimeSeries s, string method, ForecastSplit split, ForecastSpec spec, SeriesForecast forecast,
        Dictionary<string, double[]> baselineForecasts, double[][]? snQuantiles, (int From, int To)[] folds, string[]? foldMethods)
    {
        int H = spec.Horizon;
        var origins = forecast.Origins;
        double scale = ForecastMetrics.MaseScale(s.Values, split.TrainEnd, spec.Season);
        var baselines = baselineForecasts.ToDictionary(b => b.Key, b => ForecastMetrics.Score(s.Values, origins, H, b.Value, scale));
        var modelScores = ForecastMetrics.Score(s.Values, origins, H, forecast.Point, scale);
        QuantileScores? modelQ = null, baseQ = null;
        if (snQuantiles is not null)
        {
            modelQ = ForecastMetrics.ScoreQuantiles(s.Values, origins, H, spec.Quantiles, forecast.Quantiles);
            baseQ = ForecastMetrics.ScoreQuantiles(s.Values, origins, H, spec.Quantiles, snQuantiles);
        }
        var scores = new List<FoldScores>();
        for (int f = 0; f < folds.Length; f++)
        {
            var (from, to) = folds[f];
            var fo = origins[from..to];
            double[] Slice(double[] a) => a[(from * H)..(to * H)];
            scores.Add(new FoldScores(f, fo[0], fo[^1], ForecastMetrics.Score(s.Values, fo, H, Slice(forecast.Point), scale).Mase,
                baselineForecasts.ToDictionary(b => b.Key, b => ForecastMetrics.Score(s.Values, fo, H, Slice(b.Value), scale).Mase), foldMethods?[f]));
        }
        return new SeriesEvaluation(s.Name, method, s.Values, s.Dates, forecast, modelScores, baselines, baselineForecasts, modelQ, baseQ, scores);
    }

    /// <summary>
    /// The baseline interval: seasonal naive plus, per step h, the empirical quantiles of its residuals y[t+h] − ŷ[t+h] over the
    /// training part's origins.
    /// </summary>
    public static double[][] SeasonalNaiveQuantiles(double[] actual, double[] filled, int trainEnd, int[] origins, int H, int S, double[] levels)
    {
        var trainOrigins = Enumerable.Range(S, Math.Max(0, trainEnd - H - S + 1)).ToArray();
        var fit = Baselines.SeasonalNaive(filled, trainOrigins, H, S);
        var byStep = new List<double>[H];
        for (int h = 0; h < H; h++) byStep[h] = [];
        for (int i = 0; i < trainOrigins.Length; i++)
            for (int h = 0; h < H; h++)
            {
                double a = actual[trainOrigins[i] + h];
                if (!double.IsNaN(a)) byStep[h].Add(a - fit[i * H + h]);
            }
        foreach (var list in byStep) list.Sort();
        var point = Baselines.SeasonalNaive(filled, origins, H, S);
        return [.. levels.Select(level =>
        {
            var q = new double[point.Length];
            for (int i = 0; i < point.Length; i++)
            {
                var list = byStep[i % H];
                q[i] = point[i] + (list.Count > 0 ? ConformalIntervals.Quantile(list, level) : 0);
            }
            return q;
        })];
    }

    private static ForecastSplit Split(TimeSeries s, ForecastOptions o)
    {
        if (o.TestStart is DateTime start)
        {
            if (s.Dates is null) throw new ArgumentException("--test-start needs a date column");
            int test = Array.FindIndex(s.Dates, d => d >= start);
            if (test < 0) throw new ArgumentException($"--test-start {start:yyyy-MM-dd} is after the last date of series {Excerpt.Of(s.Name)} ({s.Dates[^1]:yyyy-MM-dd})");
            if (test == 0) throw new ArgumentException($"--test-start {start:yyyy-MM-dd} is not after the first date of series {Excerpt.Of(s.Name)} ({s.Dates[0]:yyyy-MM-dd}): nothing is left to train on");
            return ForecastSplit.FromBoundaries(s.Length, test - test / 8, test);
        }
        return ForecastSplit.FromFractions(s.Length, o.TrainFraction, o.ValidationFraction);
    }

    private static SeriesTransform ChooseTransform(TimeSeries s, double[] y, ForecastSplit split, string asked, List<string> notes)
    {
        bool positive = y.All(v => v > 0);
        switch (asked)
        {
            case "log" or "boxcox" when !positive:
                throw new ArgumentException($"--transform {asked} needs positive values, and series {Excerpt.Of(s.Name)} has {y.Min()}");
            case "log":
                return SeriesTransform.Log;
            case "boxcox":
                var fitted = SeriesTransform.FitBoxCox(y.AsSpan(0, split.TrainEnd));
                notes.Add($"series {Excerpt.Of(s.Name)}: Box-Cox λ {fitted.Lambda:0.##} (training part)");
                return fitted;
            default:
                if (!positive && asked == "auto") notes.Add($"series {Excerpt.Of(s.Name)}: transform none (values not all positive)");
                return SeriesTransform.None;
        }
    }

    private static void CheckScalable(string source, string name, double[] z, ForecastSplit split)
    {
        var scaler = StandardScaler.Fit(z.AsSpan(0, split.TrainEnd));
        if (!double.IsFinite(scaler.Mean) || !double.IsFinite(scaler.Std))
            throw new InvalidDataException($"{source}: series {Excerpt.Of(name)}: the training part's mean or spread is not finite: the values are too large to scale");
        foreach (double v in z)
        {
            double scaled = scaler.Transform(v);
            if (!double.IsFinite(scaled) || Math.Abs(scaled) > 1e6)
                throw new InvalidDataException(
                    $"{source}: series {Excerpt.Of(name)}: value {v:G6} lies {Math.Abs(scaled):G3} training standard deviations from the training mean: " +
                    "float32 training would lose it (check the value, or transform the series)");
        }
    }

    private static double[] Fill(double[] column)
    {
        var copy = (double[])column.Clone();
        if (copy.Any(v => !double.IsNaN(v))) MissingValues.FillLinear(copy);
        else Array.Fill(copy, 0);
        return copy;
    }

    private static void CheckOptions(ForecastOptions o)
    {
        if (!CellChoice.Names.Contains(o.Cell.ToLowerInvariant()))
            throw new ArgumentException($"unknown cell {Excerpt.Of(o.Cell)}: expected one of {string.Join(", ", CellChoice.Names)}");
        if (o.Method != "auto" && !ForecastMethods.Names.Contains(o.Method))
            throw new ArgumentException($"unknown method {Excerpt.Of(o.Method)}: expected auto or one of {string.Join(", ", ForecastMethods.Names)}");
        // At most what a model file holds, so a long fit never ends in a model that cannot be saved.
        InRange("--hidden", o.Hidden, ModelFile.MaxHidden);
        InRange("--layers", o.Layers, ModelFile.MaxLayers);
        if (o.Lookback is int l) InRange("--lookback", l, ModelFile.MaxLookback);
        if (o.Horizon is int h) InRange("--horizon", h, ModelFile.MaxHorizon);
        if (o.Season is int s) InRange("--season", s, ModelFile.MaxLookback);
        if (o.Quantiles.Length > ModelFile.MaxQuantiles)
            throw new ArgumentException($"--quantiles lists {o.Quantiles.Length} levels; a model holds at most {ModelFile.MaxQuantiles}");
        Positive("--backtest", o.Backtest);
        if (o.Refit && o.Backtest < 2) throw new ArgumentException($"--refit needs --backtest K with K ≥ 2 folds, got --backtest {o.Backtest}");
        if (o.Training.Epochs < 0) throw new ArgumentException($"--epochs must be non-negative, got {o.Training.Epochs}");
        if (!ForecastOptions.IntervalKinds.Contains(o.Intervals))
            throw new ArgumentException($"--intervals must be one of {string.Join(", ", ForecastOptions.IntervalKinds)}, got {Excerpt.Of(o.Intervals)}");
        if (!SeriesTransform.Names.Contains(o.Transform))
            throw new ArgumentException($"--transform must be one of {string.Join(", ", SeriesTransform.Names)}, got {Excerpt.Of(o.Transform)}");
        foreach (double q in o.Quantiles)
            if (!(q > 0 && q < 1)) throw new ArgumentException($"--quantiles must lie in (0, 1), got {q}");
        if (o.Quantiles.Distinct().Count() != o.Quantiles.Length) throw new ArgumentException("--quantiles lists a level twice");
        if (!(o.TrainFraction > 0 && o.ValidationFraction > 0 && o.TrainFraction + o.ValidationFraction < 1))
            throw new ArgumentException($"--split fractions must be positive and sum below 1, got {o.TrainFraction},{o.ValidationFraction}");
    }

    // The seasonal anchor needs the season inside the lookback; it is taken when it beats persistence on validation (all series, scaled units).
    private static ForecastAnchor ChooseAnchor(SeriesSet data, Dictionary<string, ForecastSplit> splits, ForecastSpec spec, List<string> notes)
    {
        if (spec.Season <= 1 || spec.Season > spec.Lookback)
        {
            notes.Add(spec.Season > spec.Lookback
                ? $"anchor: persistence (season {spec.Season} is beyond the lookback {spec.Lookback})"
                : "anchor: persistence");
            return ForecastAnchor.Last;
        }
        int H = spec.Horizon;
        double last = 0, seasonal = 0;
        foreach (var (s, state) in data.Series.Zip(spec.Series))
        {
            var z = state.Scaler.Transform(state.Transform.Forward(s.Filled()));
            var validation = splits[s.Name].Origins(SeriesPart.Validation, spec.Lookback, H);
            last += ForecastMetrics.Evaluate(z, validation, H, Baselines.Persistence(z, validation, H)).Rmse;
            seasonal += ForecastMetrics.Evaluate(z, validation, H, Baselines.SeasonalNaive(z, validation, H, spec.Season)).Rmse;
        }
        var anchor = seasonal < last ? ForecastAnchor.Seasonal : ForecastAnchor.Last;
        notes.Add(FormattableString.Invariant(
            $"anchor: {(anchor == ForecastAnchor.Seasonal ? "seasonal naive" : "persistence")} (validation RMSE, scaled, summed over series: persistence {last:0.###}, seasonal naive {seasonal:0.###})"));
        return anchor;
    }

    private static void Positive(string option, int value)
    {
        if (value < 1) throw new ArgumentException($"{option} must be at least 1, got {value}");
    }

    private static void InRange(string option, int value, int max)
    {
        Positive(option, value);
        if (value > max) throw new ArgumentException($"{option} must be at most {max} (the largest a model file holds), got {value}");
    }
}
