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
    private const int CalibrationSteps = 12, ReplanEvery = 25, ReportPoints = 200;
    private const double SafetySeconds = 3;

    private readonly CharCorpus _corpus;
    private readonly CharLmTrainOptions _o;
    private readonly Generator _initRng, _dataRng;
    private readonly AdamW _optimizer;
    private readonly TbpttBatches _batches;
    private RnnState? _state;

    // Where the run stands (what a checkpoint holds besides the model, optimizer and generators).
    private int _step, _total, _bestStep, _evalsDone;
    private long _tokens;
    private double _best = double.PositiveInfinity, _recentSum, _recentWeight;
    private readonly List<LossPoint> _trainCurve = new(), _valCurve = new();

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
        bool timed = _o.Steps is null;
        double trainSeconds = 0, valSeconds = 0, valCpu = 0, valEstimate = 0;
        var runCpu0 = Cpu();
        long tokensAtStart = _tokens;
        int stepAtStart = _step;

        // Planned length: fixed, or from the budget once the first steps have been timed (and re-planned as the
        // measured speed changes: the machine may be shared).
        if (!timed) _total = _o.Steps!.Value;
        else if (_total == 0) _total = int.MaxValue;
        if (timed) valEstimate = EstimateValidationSeconds();
        var schedule = new LearningRateSchedule(_o.LearningRate, _o.WarmupSteps, _total, _o.MinLrFraction);

        int reportEvery = timed ? 10 : Math.Max(1, _total / ReportPoints);
        double lossSum = 0;
        int lossCount = 0;
        string stopped = timed ? "budget" : "steps";
        double calibrationStart = 0;
        int calibrationFrom = _step + 3;

        void Validate()
        {
            var t0 = clock.Elapsed.TotalSeconds;
            var cpu0 = Cpu();
            double loss = CharLmEvaluator.Loss(Model, _corpus.Validation);
            valCpu += Cpu() - cpu0;
            double took = clock.Elapsed.TotalSeconds - t0;
            valSeconds += took;
            valEstimate = Math.Max(valEstimate, took);
            _valCurve.Add(new LossPoint(_step, loss));
            _evalsDone++;
            if (loss < _best)
            {
                _best = loss;
                _bestStep = _step;
                var meta = Metadata();
                meta["steps"] = Int(_step);
                meta["validation_loss"] = Real(loss);
                CharLmFile.Save(outPath, Model, _corpus.Vocabulary, meta);
            }
            progress?.Invoke(Progress(loss));
        }

        CharLmProgress Progress(double? validation) => new(_step, _total, _batches.Epoch, _recentWeight > 0 ? _recentSum / _recentWeight : double.NaN,
            trainSeconds > 0 ? (_tokens - tokensAtStart) / trainSeconds : 0, _optimizer.LearningRate, validation,
            double.IsPositiveInfinity(_best) ? null : _best, clock.Elapsed);

        while (_step < _total)
        {
            if (cancel.IsCancellationRequested) { stopped = "cancelled"; break; }
            if (timed && _step - stepAtStart > CalibrationSteps)
            {
                // Stop early if the machine got slower than planned: the final validation must still fit.
                double perStep = trainSeconds / (_step - stepAtStart);
                if (clock.Elapsed.TotalSeconds + perStep + valEstimate + SafetySeconds > budget) break;
            }

            var t0 = clock.Elapsed.TotalSeconds;
            double loss = TrainStep(schedule.At(_step), _step);
            trainSeconds += clock.Elapsed.TotalSeconds - t0;
            _step++;
            _tokens += (long)_batches.Batch * _o.SeqLen;
            lossSum += loss; lossCount++;
            // Exponential moving average over about 50 steps, bias-corrected so the first steps are not pulled to 0.
            _recentSum = 0.98 * _recentSum + 0.02 * loss;
            _recentWeight = 0.98 * _recentWeight + 0.02;

            if (timed && _step == calibrationFrom) calibrationStart = trainSeconds;
            if (timed && _step - stepAtStart >= CalibrationSteps && (_step - stepAtStart - CalibrationSteps) % ReplanEvery == 0)
            {
                // Plan: the time left minus the validation passes still to come, divided by the measured step time.
                double perStep = (trainSeconds - calibrationStart) / (_step - calibrationFrom);
                double left = budget - clock.Elapsed.TotalSeconds - (_o.Evaluations - _evalsDone) * valEstimate - SafetySeconds;
                _total = _step + Math.Max(1, (int)(left / perStep));
                schedule = schedule with { TotalSteps = _total };
            }
            if (_step % reportEvery == 0)
            {
                _trainCurve.Add(new LossPoint(_step, lossSum / lossCount));
                lossSum = 0; lossCount = 0;
            }
            if (_step < _total && _step >= NextEvalStep()) Validate();
            else progress?.Invoke(Progress(null));
        }
        if (lossCount > 0) _trainCurve.Add(new LossPoint(_step, lossSum / lossCount));
        if (stopped != "cancelled" && _step > 0 && (_valCurve.Count == 0 || _valCurve[^1].Step != _step)) Validate();
        long tokens = _tokens - tokensAtStart;
        return new CharLmTrainResult(_step, _best, _bestStep, _trainCurve.ToList(), _valCurve.ToList(), trainSeconds, valSeconds,
            trainSeconds > 0 ? tokens / trainSeconds : 0, stopped)
        {
            CpuSeconds = Cpu() - runCpu0,
            ValidationCpuSeconds = valCpu,
            Tokens = tokens,
        };
    }

    /// <summary>The step of the next validation pass: every <c>EvalEvery</c> steps, or the next of the evenly spread passes.</summary>
    private int NextEvalStep()
    {
        if (_o.Steps is not null && _o.EvalEvery is int every) return (_valCurve.Count == 0 ? 0 : _valCurve[^1].Step) / every * every + every;
        if (_total == int.MaxValue) return int.MaxValue;
        return Math.Max(1, (int)((long)_total * (_evalsDone + 1) / _o.Evaluations));
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

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Real(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
