using System.Diagnostics;
using System.Globalization;
using Recur.Nn;
using Recur.Optim;

namespace Recur.Text;

/// <summary>
/// Trains a <see cref="CharLm"/> on a <see cref="CharCorpus"/>: truncated BPTT with the state carried between chunks
/// (<see cref="TbpttBatches"/>), cross-entropy, AdamW with gradient clipping, and a learning rate that warms up linearly
/// and then follows a cosine to the planned last step. With a time budget the number of steps is planned from the
/// measured step time and validation time, so that training and every validation pass fit inside the budget; the model
/// with the lowest validation loss is written to the output file each time one is measured.
/// </summary>
public sealed class CharLmTrainer
{
    private const int CalibrationSteps = 12, ReportPoints = 200;
    private const double SafetySeconds = 3;

    private readonly CharCorpus _corpus;
    private readonly CharLmTrainOptions _o;
    private readonly Generator _initRng, _dataRng;
    private readonly AdamW _optimizer;
    private readonly TbpttBatches _batches;
    private RnnState? _state;

    /// <summary>The model being trained (its parameters are the latest, not necessarily the best).</summary>
    public CharLm Model { get; }

    /// <summary>Builds the model and optimizer from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">A bad option.</exception>
    public CharLmTrainer(CharCorpus corpus, CharLmTrainOptions options)
    {
        options.Validate();
        _corpus = corpus;
        _o = options;
        _initRng = new Generator(options.Seed);
        _dataRng = new Generator(options.Seed ^ 0x5EED_C4A2);
        Model = new CharLm(new CharLmConfig(corpus.Vocabulary.Count, options.EmbeddingDim, options.HiddenSize, options.NumLayers, options.Dropout), _initRng);
        _optimizer = new AdamW(Model.Parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        _batches = new TbpttBatches(corpus.Train, options.BatchSize, options.SeqLen);
    }

    /// <summary>Streams actually used per step (the batch size, fewer when the text is short).</summary>
    public int EffectiveBatch => _batches.Batch;

    /// <summary>The metadata written with the model: the training settings.</summary>
    public Dictionary<string, string> Metadata() => new()
    {
        ["seq_len"] = Int(_o.SeqLen),
        ["batch_size"] = Int(_batches.Batch),
        ["lr"] = Real(_o.LearningRate),
        ["weight_decay"] = Real(_o.WeightDecay),
        ["clip"] = Real(_o.Clip),
        ["seed"] = _o.Seed.ToString(CultureInfo.InvariantCulture),
        ["train_chars"] = Int(_corpus.Train.Length),
        ["validation_chars"] = Int(_corpus.Validation.Length),
    };

    /// <summary>
    /// Trains until the budget (or <see cref="CharLmTrainOptions.Steps"/>) is spent or <paramref name="cancel"/> fires,
    /// writing the best model so far to <paramref name="outPath"/> after each validation pass that improves on it.
    /// </summary>
    /// <exception cref="ArithmeticException">The loss became NaN or infinite.</exception>
    public CharLmTrainResult Run(string outPath, Action<CharLmProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        double budget = _o.Minutes * 60;
        var trainCurve = new List<LossPoint>();
        var valCurve = new List<LossPoint>();
        double best = double.PositiveInfinity, trainSeconds = 0, valSeconds = 0;
        int bestStep = 0, step = 0;
        long tokens = 0;

        // Planned length: fixed, or from the budget once the first steps have been timed.
        int total = _o.Steps ?? int.MaxValue;
        int evalEvery = _o.Steps is int s ? _o.EvalEvery ?? Math.Max(1, s / _o.Evaluations) : int.MaxValue;
        double valEstimate = 0;
        if (_o.Steps is null) valEstimate = EstimateValidationSeconds();
        var schedule = new LearningRateSchedule(_o.LearningRate, _o.WarmupSteps, total, _o.MinLrFraction);

        int reportEvery = _o.Steps is int s2 ? Math.Max(1, s2 / ReportPoints) : 10;
        double lossSum = 0, recentSum = 0;
        int lossCount = 0, recentCount = 0;
        string stopped = _o.Steps is null ? "budget" : "steps";
        double calibrationStart = 0;
        int lastEvalStep = -1;

        void Validate()
        {
            var t0 = clock.Elapsed.TotalSeconds;
            double loss = CharLmEvaluator.Loss(Model, _corpus.Validation);
            double took = clock.Elapsed.TotalSeconds - t0;
            valSeconds += took;
            valEstimate = Math.Max(valEstimate, took);
            valCurve.Add(new LossPoint(step, loss));
            lastEvalStep = step;
            if (loss < best)
            {
                best = loss;
                bestStep = step;
                var meta = Metadata();
                meta["steps"] = Int(step);
                meta["validation_loss"] = Real(loss);
                CharLmFile.Save(outPath, Model, _corpus.Vocabulary, meta);
            }
            progress?.Invoke(Progress(loss));
        }

        CharLmProgress Progress(double? validation) => new(step, total, _batches.Epoch, recentCount > 0 ? recentSum / recentCount : double.NaN,
            trainSeconds > 0 ? tokens / trainSeconds : 0, _optimizer.LearningRate, validation,
            double.IsPositiveInfinity(best) ? null : best, clock.Elapsed);

        while (step < total)
        {
            if (cancel.IsCancellationRequested) { stopped = "cancelled"; break; }
            if (_o.Steps is null && step > CalibrationSteps)
            {
                // Stop early if the machine got slower than planned: the final validation must still fit.
                double perStep = trainSeconds / step;
                if (clock.Elapsed.TotalSeconds + perStep + valEstimate + SafetySeconds > budget) break;
            }

            var t0 = clock.Elapsed.TotalSeconds;
            double loss = TrainStep(schedule.At(step), step);
            trainSeconds += clock.Elapsed.TotalSeconds - t0;
            step++;
            tokens += (long)_batches.Batch * _o.SeqLen;
            lossSum += loss; lossCount++;
            recentSum += loss; recentCount++;
            if (recentCount > 50) { recentSum = recentSum * 49 / 50; recentCount = 49; } // a running mean of about 50 steps

            if (_o.Steps is null && step == 3) calibrationStart = trainSeconds;
            if (_o.Steps is null && step == CalibrationSteps)
            {
                // Plan the run: the remaining time minus the validation passes, divided by the measured step time.
                double perStep = (trainSeconds - calibrationStart) / (CalibrationSteps - 3);
                double left = budget - clock.Elapsed.TotalSeconds - _o.Evaluations * valEstimate - SafetySeconds;
                total = step + Math.Max(1, (int)(left / perStep));
                evalEvery = Math.Max(1, total / _o.Evaluations);
                schedule = schedule with { TotalSteps = total };
            }
            if (step % reportEvery == 0)
            {
                trainCurve.Add(new LossPoint(step, lossSum / lossCount));
                lossSum = 0; lossCount = 0;
            }
            if (step % evalEvery == 0 && step < total) Validate();
            else progress?.Invoke(Progress(null));
        }
        if (lossCount > 0) trainCurve.Add(new LossPoint(step, lossSum / lossCount));
        if (stopped != "cancelled" && step > 0 && lastEvalStep != step) Validate();
        return new CharLmTrainResult(step, best, bestStep, trainCurve, valCurve, trainSeconds, valSeconds,
            trainSeconds > 0 ? tokens / trainSeconds : 0, stopped);
    }

    /// <summary>One update at learning rate <paramref name="lr"/>; returns the batch's mean loss.</summary>
    private double TrainStep(double lr, int step)
    {
        if (_batches.AtEpochStart) _state = null; // a new epoch starts the streams at new places
        var (x, y) = _batches.Next(_dataRng);
        int B = _batches.Batch, T = _o.SeqLen, V = _corpus.Vocabulary.Count;
        var (logits, next) = Model.Forward(new IndexTensor(x, B, T), _state);
        _state = next.Detach();
        var loss = Functional.CrossEntropy(logits.View(B * T, V), new IndexTensor(y, B * T));
        float value = loss.Item();
        if (!float.IsFinite(value))
            throw new ArithmeticException($"training loss is {value} at step {step + 1}: try a smaller --lr");
        _optimizer.ZeroGrad();
        loss.Backward();
        ClipGrad.ClipGradNorm(Model.Parameters(), _o.Clip);
        _optimizer.LearningRate = lr;
        _optimizer.Step();
        return value;
    }

    /// <summary>Times a validation pass over a prefix of the validation text and scales it to the whole.</summary>
    private double EstimateValidationSeconds()
    {
        var v = _corpus.Validation;
        int n = Math.Min(v.Length, 2 * CharLmEvaluator.ChunkLength + 1);
        CharLmEvaluator.Loss(Model, v.AsSpan(0, Math.Min(v.Length, 257))); // warm the code paths
        var sw = Stopwatch.StartNew();
        CharLmEvaluator.Loss(Model, v.AsSpan(0, n));
        return sw.Elapsed.TotalSeconds * (v.Length - 1) / Math.Max(1, n - 1) * 1.15;
    }

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Real(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
