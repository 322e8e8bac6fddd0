using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Recur.IO;
using Recur.Nn;
using Recur.Optim;
using Recur.Training;

namespace Recur.Text;

/// <summary>
/// Trains a <see cref="CharLm"/> on a <see cref="CharCorpus"/> with Recur's shared <see cref="Trainer"/> loop: truncated
/// BPTT with the state carried between chunks (<see cref="TbpttBatches"/>), cross-entropy, AdamW with gradient
/// clipping, and a learning rate that warms up linearly and then follows a cosine to the planned last step.
/// With a time budget the number of steps is planned from the measured step time and validation time, and re-planned
/// after every validation pass (the machine may be shared), so that training and every validation pass fit inside
/// the budget. The model with the lowest validation loss is written to the output file each time one is measured,
/// and a checkpoint (model, optimizer, generators, data position, carried state) next to it, for <see cref="Resume"/>.
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

    // Where the run stands (what a checkpoint holds besides the model, optimizer and generators).
    private int _step, _total, _bestStep, _evalsDone;
    private long _tokens;
    private double _best = double.PositiveInfinity, _recentSum, _recentWeight;
    private List<LossPoint> _trainCurve = new(), _valCurve = new();

    /// <summary>The model being trained (its parameters are the latest, not necessarily the best).</summary>
    public CharLm Model { get; }

    /// <summary>The settings of this run.</summary>
    public CharLmTrainOptions Options => _o;

    /// <summary>Steps taken so far (counting those before a resume).</summary>
    public int Step => _step;

    /// <summary>Builds the model and optimizer from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">A bad option.</exception>
    public CharLmTrainer(CharCorpus corpus, CharLmTrainOptions options)
    {
        options.Validate();
        _corpus = corpus;
        _o = options;
        _initRng = new Generator(options.Seed);                 // initialisation, then dropout masks
        _dataRng = new Generator(options.Seed ^ 0x5EED_C4A2);   // epoch offsets
        Model = new CharLm(new CharLmConfig(corpus.Vocabulary.Count, options.EmbeddingDim, options.HiddenSize, options.NumLayers, options.Dropout), _initRng);
        _optimizer = new AdamW(Model.Parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        _batches = new TbpttBatches(corpus.Train, options.BatchSize, options.SeqLen);
    }

    /// <summary>Streams actually used per step (the batch size, fewer when the text is short).</summary>
    public int EffectiveBatch => _batches.Batch;

    /// <summary>Where <c>recur charlm train --out MODEL.safetensors</c> keeps its checkpoint: MODEL.ckpt.safetensors.</summary>
    public static string CheckpointPath(string modelPath)
    {
        var dir = Path.GetDirectoryName(modelPath);
        var name = Path.GetFileNameWithoutExtension(modelPath) + ".ckpt.safetensors";
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }

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
    /// writing the best model so far to <paramref name="outPath"/> after each validation pass that improves on it, and
    /// the checkpoint (<see cref="CheckpointPath"/>) after every validation pass and when stopped.
    /// </summary>
    /// <exception cref="ArithmeticException">The loss became NaN or infinite.</exception>
    public CharLmTrainResult Run(string outPath, Action<CharLmProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        double budget = _o.Minutes * 60;
        bool timed = _o.Steps is null;
        double valSeconds = 0, valCpu = 0, valEstimate = 0;
        var runCpu0 = Cpu();
        long tokensAtStart = _tokens;
        int stepAtStart = _step;
        string checkpoint = CheckpointPath(outPath);
        var trainClock = new Stopwatch();

        if (!timed) _total = _o.Steps!.Value;
        else valEstimate = EstimateValidationSeconds();
        Func<long, double> schedule = LrSchedules.WarmupCosine(_o.LearningRate, _o.WarmupSteps, Math.Max(1, _total), _o.LearningRate * _o.MinLrFraction);

        int reportEvery = timed ? 10 : Math.Max(1, _total / ReportPoints);
        double lossSum = 0;
        int lossCount = 0;
        string stopped = timed ? "budget" : "steps";

        double Validate()
        {
            trainClock.Stop();
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
            SaveCheckpoint(checkpoint);
            trainClock.Start();
            return loss;
        }

        CharLmProgress Progress(double? validation) => new(_step, _total == 0 ? int.MaxValue : _total, _batches.Epoch, _recentWeight > 0 ? _recentSum / _recentWeight : double.NaN,
            trainClock.Elapsed.TotalSeconds > 0 ? (_tokens - tokensAtStart) / trainClock.Elapsed.TotalSeconds : 0, _optimizer.LearningRate, validation,
            double.IsPositiveInfinity(_best) ? null : _best, clock.Elapsed);

        void OnProgress(TrainProgress p)
        {
            if (p.ValidationLoss is double v) { progress?.Invoke(Progress(v)); return; }
            _step = (int)p.Step;
            _tokens += (long)_batches.Batch * _o.SeqLen;
            lossSum += p.Loss; lossCount++;
            // Exponential moving average over about 50 steps, bias-corrected so the first steps are not pulled to 0.
            _recentSum = 0.98 * _recentSum + 0.02 * p.Loss;
            _recentWeight = 0.98 * _recentWeight + 0.02;
            if (_step % reportEvery == 0)
            {
                _trainCurve.Add(new LossPoint(_step, lossSum / lossCount));
                lossSum = 0; lossCount = 0;
            }
            progress?.Invoke(Progress(null));
        }

        // The run goes in segments of the shared loop, each ending in a validation pass; between segments the
        // step count is re-planned from the measured speed. Without a plan yet, a short calibration segment comes first.
        trainClock.Start();
        try
        {
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                bool calibrating = timed && _step - stepAtStart < CalibrationSteps;
                if (timed && !calibrating)
                {
                    double perStep = trainClock.Elapsed.TotalSeconds / Math.Max(1, _step - stepAtStart);
                    double left = budget - clock.Elapsed.TotalSeconds - Math.Max(1, _o.Evaluations - _evalsDone) * valEstimate - SafetySeconds;
                    int planned = _step + Math.Max(0, (int)(left / perStep));
                    // Once in the last segment the plan only shrinks: stretching it would add a validation pass per
                    // stretch and restart the tail of the cosine.
                    _total = _evalsDone >= _o.Evaluations - 1 && _total > 0 ? Math.Min(planned, _total) : planned;
                    schedule = LrSchedules.WarmupCosine(_o.LearningRate, _o.WarmupSteps, Math.Max(1, _total), _o.LearningRate * _o.MinLrFraction);
                }
                if (!calibrating && _step >= _total) break;
                // In a timed run the last of the planned passes is the one after the final step (below the loop): once
                // only that one is left, segments run to the re-planned end without validating, so a plan that moves
                // with the measured speed never adds passes.
                bool lastPassOnly = timed && _o.Evaluations - _evalsDone <= 1;
                int segmentEnd = calibrating ? _step + CalibrationSteps - (_step - stepAtStart)
                    : lastPassOnly ? _total : Math.Min(_total, NextEvalStep());
                var loopOptions = new TrainerOptions
                {
                    MaxSteps = segmentEnd - _step,
                    ClipNorm = _o.Clip,
                    ValidateEvery = calibrating || lastPassOnly ? 0 : segmentEnd - _step,
                    RestoreBest = false, // training continues from the latest parameters; the best is on disk
                    LrSchedule = s => schedule(s),
                    NonFiniteHint = "try a smaller --lr",
                    // The final validation pass must still fit in the budget.
                    TimeBudget = timed ? TimeSpan.FromSeconds(Math.Max(0, budget - clock.Elapsed.TotalSeconds - valEstimate - SafetySeconds)) : null,
                };
                int before = _step;
                var r = new Trainer(Model.Parameters(), _optimizer, loopOptions)
                    .Run(_ => StepLoss(), calibrating || lastPassOnly ? null : Validate, OnProgress, _step, cancel);
                bool moved = r.Steps > before;
                _step = (int)r.Steps;
                if (r.OutOfTime || !moved) break;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stopped = "cancelled";
        }
        trainClock.Stop();
        if (lossCount > 0) _trainCurve.Add(new LossPoint(_step, lossSum / lossCount));
        if (stopped != "cancelled" && _step > 0 && (_valCurve.Count == 0 || _valCurve[^1].Step != _step))
        {
            Validate();
            progress?.Invoke(Progress(_valCurve[^1].Loss));
        }
        if (stopped == "cancelled" && _step > 0) SaveCheckpoint(checkpoint);
        double trainSeconds = Math.Max(0, trainClock.Elapsed.TotalSeconds);
        long tokens = _tokens - tokensAtStart;
        return new CharLmTrainResult(_step, _best, _bestStep, _trainCurve.ToList(), _valCurve.ToList(), trainSeconds, valSeconds,
            trainSeconds > 0 ? tokens / trainSeconds : 0, stopped)
        {
            CpuSeconds = Cpu() - runCpu0,
            ValidationCpuSeconds = valCpu,
            Tokens = tokens,
        };
    }

    /// <summary>
    /// The step of the next validation pass: every <c>EvalEvery</c> steps, or the passes still to come spread evenly over
    /// the steps still planned (so a re-plan that shortens the run does not bunch them up).
    /// </summary>
    private int NextEvalStep()
    {
        if (_o.Steps is not null && _o.EvalEvery is int every) return _step / every * every + every;
        int remaining = Math.Max(1, _o.Evaluations - _evalsDone);
        return _step + Math.Max(1, (_total - _step) / remaining);
    }

    /// <summary>The next batch's mean cross-entropy, the state carried from the previous batch (detached).</summary>
    private Tensor StepLoss()
    {
        if (_batches.AtEpochStart) _state = null; // a new epoch starts the streams at new places
        var (x, y) = _batches.Next(_dataRng);
        int B = _batches.Batch, T = _o.SeqLen, V = _corpus.Vocabulary.Count;
        var (logits, next) = Model.Forward(new IndexTensor(x, B, T), _state);
        _state = next.Detach();
        return Functional.CrossEntropy(logits.View(B * T, V), new IndexTensor(y, B * T));
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

    // ---- checkpoints ---------------------------------------------------------------------------------

    /// <summary>
    /// Writes everything a bit-exact continuation needs, atomically: the model, AdamW's state, both generators, the
    /// data position, the carried (h, c), the loop's counters, the curves and the settings.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        var meta = Metadata();
        meta["charlm.options"] = JsonSerializer.Serialize(_o);
        meta["charlm.vocab"] = _corpus.Vocabulary.ToJson();
        meta["charlm.loop"] = JsonSerializer.Serialize(new LoopState(_step, _total, _bestStep, _evalsDone, _tokens, double.IsFinite(_best) ? _best : null,
            _recentSum, _recentWeight, _batches.Epoch, _batches.StepInEpoch, _batches.Offset,
            Convert.ToBase64String(_initRng.GetState()), Convert.ToBase64String(_dataRng.GetState()),
            _state is null ? null : Floats(_state.H), _state?.C is null ? null : Floats(_state.C),
            _trainCurve, _valCurve));
        Checkpoint.Save(path, Model, _optimizer, extra: meta);
    }

    /// <summary>The settings saved in a checkpoint (to read the text with the same sequence length before <see cref="Resume"/>).</summary>
    /// <exception cref="InvalidDataException">Not a char-LM checkpoint.</exception>
    public static CharLmTrainOptions ReadOptions(string checkpointPath)
    {
        var meta = Safetensors.Load(checkpointPath).Metadata;
        if (!meta.TryGetValue("charlm.options", out var json))
            throw new InvalidDataException($"{checkpointPath}: cannot resume: no char-LM training state in it (a model file? resume from MODEL.ckpt.safetensors)");
        try { return JsonSerializer.Deserialize<CharLmTrainOptions>(json) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{checkpointPath}: cannot resume: settings: {e.Message}"); }
    }

    /// <summary>
    /// A trainer that continues the run saved in <paramref name="checkpointPath"/>: same settings (except
    /// <paramref name="minutes"/>, the budget of the continued run, when given), same model, optimizer, generators,
    /// data position and carried state. With a fixed step count the continuation is bit-exact.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a char-LM checkpoint, or one made on another text.</exception>
    public static CharLmTrainer Resume(CharCorpus corpus, string checkpointPath, double? minutes = null)
    {
        var file = Safetensors.Load(checkpointPath);
        InvalidDataException Bad(string what) => new($"{checkpointPath}: cannot resume: {what}");
        if (!file.Metadata.TryGetValue("charlm.options", out var optionsJson) || !file.Metadata.TryGetValue("charlm.loop", out var loopJson))
            throw Bad("no char-LM training state in it (a model file? resume from MODEL.ckpt.safetensors)");
        if (!file.Metadata.TryGetValue("charlm.vocab", out var vocab) || vocab != corpus.Vocabulary.ToJson())
            throw Bad("it was trained on a text with another vocabulary");
        CharLmTrainOptions options;
        LoopState loop;
        try
        {
            options = JsonSerializer.Deserialize<CharLmTrainOptions>(optionsJson) ?? throw Bad("empty settings");
            loop = JsonSerializer.Deserialize<LoopState>(loopJson) ?? throw Bad("empty loop state");
        }
        catch (JsonException e) { throw Bad(e.Message); }
        // JSON's null or a missing field reads as null here (and a negative count as itself): refuse them by name.
        if (loop.InitRng is null || loop.DataRng is null || loop.TrainCurve is null || loop.ValidationCurve is null)
            throw Bad("the loop state lacks a field (generator states or loss curves)");
        if (loop.Step < 0 || loop.Total < 0 || loop.BestStep < 0 || loop.EvalsDone < 0 || loop.Tokens < 0 || loop.Epoch < 0)
            throw Bad($"the loop state has a negative count (step {loop.Step}, epoch {loop.Epoch}, tokens {loop.Tokens})");
        if (minutes is double m) options = options with { Minutes = m };
        // The saved weights must fit the saved sizes before a model of those sizes is built (a hostile header must not make
        // this allocate a model far larger than the file).
        try
        {
            options.Validate();
            var config = new CharLmConfig(corpus.Vocabulary.Count, options.EmbeddingDim, options.HiddenSize, options.NumLayers, options.Dropout);
            var byName = file.Tensors.ToDictionary(x => x.Name);
            foreach (var (name, shape) in CharLm.ParameterShapes(config))
                if (!byName.TryGetValue(name, out var saved) || !saved.Shape.SequenceEqual(shape))
                    throw Bad($"tensor '{name}' is missing or not [{string.Join(", ", shape)}] as the saved settings say");
        }
        catch (ArgumentException e) { throw Bad($"settings: {e.Message}"); }
        var t = new CharLmTrainer(corpus, options);
        Checkpoint.Load(checkpointPath, t.Model, t._optimizer);
        try
        {
            t._initRng.SetState(Convert.FromBase64String(loop.InitRng));
            t._dataRng.SetState(Convert.FromBase64String(loop.DataRng));
            t._batches.Restore(loop.Epoch, loop.StepInEpoch, loop.Offset);
        }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw Bad(e.Message); }
        int layers = options.NumLayers, B = t._batches.Batch, H = options.HiddenSize;
        if (loop.H is { } h && loop.C is { } c)
        {
            if (h.Length != layers * B * H || c.Length != layers * B * H) throw Bad("the carried state does not fit the model");
            t._state = new RnnState(Tensor.FromArray(h, layers, B, H), Tensor.FromArray(c, layers, B, H));
        }
        (t._step, t._total, t._bestStep, t._evalsDone, t._tokens) = (loop.Step, options.Steps is null ? 0 : loop.Total, loop.BestStep, loop.EvalsDone, loop.Tokens);
        (t._best, t._recentSum, t._recentWeight) = (loop.Best ?? double.PositiveInfinity, loop.RecentSum, loop.RecentWeight);
        t._trainCurve = loop.TrainCurve.ToList();
        t._valCurve = loop.ValidationCurve.ToList();
        if (options.Steps is null) t._evalsDone = 0; // a new budget: its validation passes are planned afresh
        return t;
    }

    private sealed record LoopState(int Step, int Total, int BestStep, int EvalsDone, long Tokens, double? Best,
        double RecentSum, double RecentWeight, int Epoch, int StepInEpoch, int Offset, string InitRng, string DataRng,
        float[]? H, float[]? C, List<LossPoint> TrainCurve, List<LossPoint> ValidationCurve);

    private static float[] Floats(Tensor t) => t.ToArray();

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Real(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
