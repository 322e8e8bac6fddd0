using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recur.Cli.Plots;
using Recur.Text;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur charlm train|sample</c>: a character-level language model (embedding + LSTM + linear head) on any text.</summary>
internal static class CharLmCommand
{
    /// <summary>The command with its two subcommands.</summary>
    public static Command Create()
    {
        var cmd = new Command("charlm", "Character-level language model: learn to write like a text (train), then write (sample)")
        {
            CreateTrain(),
            CreateSample(),
        };
        return cmd;
    }

    private static Command CreateTrain()
    {
        var d = new CharLmTrainOptions();
        var text = new Option<string>("--text") { Description = "UTF-8 text file (first 90 % train, last 10 % validate)", Required = true };
        var output = new Option<string>("--out") { Description = "model file (safetensors) — the best-validation model", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "wall-clock budget, validation passes included", DefaultValueFactory = _ => d.Minutes };
        var steps = new Option<int?>("--steps") { Description = "train exactly this many steps instead of a time budget" };
        var embedding = new Option<int>("--embedding") { Description = "embedding width", DefaultValueFactory = _ => d.EmbeddingDim };
        var hidden = new Option<int>("--hidden") { Description = "LSTM hidden size", DefaultValueFactory = _ => d.HiddenSize };
        var layers = new Option<int>("--layers") { Description = "LSTM layers", DefaultValueFactory = _ => d.NumLayers };
        var seqLen = new Option<int>("--seq-len") { Description = "characters per truncated-BPTT chunk", DefaultValueFactory = _ => d.SeqLen };
        var batch = new Option<int>("--batch-size") { Description = "parallel streams per step", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<double>("--lr") { Description = "peak AdamW learning rate (linear warm-up, cosine decay to the end)", DefaultValueFactory = _ => d.LearningRate };
        var dropout = new Option<float>("--dropout") { Description = "dropout between LSTM layers and before the head", DefaultValueFactory = _ => d.Dropout };
        var clip = new Option<float>("--clip") { Description = "gradient-norm clipping", DefaultValueFactory = _ => d.Clip };
        var evaluations = new Option<int>("--evaluations") { Description = "validation passes over the run (the last at the end)", DefaultValueFactory = _ => d.Evaluations };
        var seed = new Option<long>("--seed") { Description = "random seed (initialisation, dropout, data order)", DefaultValueFactory = _ => d.Seed };
        var resume = new Option<string?>("--resume") { Description = "continue the run saved in this checkpoint (MODEL.ckpt.safetensors, written beside the model); its settings are used, --minutes gives the new budget" };
        var plot = new Option<string?>("--plot") { Description = "loss-curve PNG (default: next to the model, MODEL.loss.png)" };
        var json = new Option<bool>("--json") { Description = "print the result as one JSON object on the last line" };
        var cmd = new Command("train", "Train on a text file within a time budget, keeping the best validation model")
        {
            text, output, minutes, steps, embedding, hidden, layers, seqLen, batch, lr, dropout, clip, evaluations, seed, resume, plot, json,
        };
        cmd.SetAction(r => Cli.Guard(() =>
        {
            var o = d with
            {
                Minutes = r.GetValue(minutes),
                Steps = r.GetValue(steps),
                EmbeddingDim = r.GetValue(embedding),
                HiddenSize = r.GetValue(hidden),
                NumLayers = r.GetValue(layers),
                SeqLen = r.GetValue(seqLen),
                BatchSize = r.GetValue(batch),
                LearningRate = r.GetValue(lr),
                Dropout = r.GetValue(dropout),
                Clip = r.GetValue(clip),
                Evaluations = r.GetValue(evaluations),
                Seed = r.GetValue(seed),
            };
            var outPath = r.GetValue(output)!;
            double? newBudget = r.GetResult(minutes) is { Implicit: false } ? r.GetValue(minutes) : null;
            return Train(r.GetValue(text)!, outPath, r.GetValue(plot) ?? DefaultPlotPath(outPath), o, r.GetValue(resume), newBudget, r.GetValue(json));
        }));
        return cmd;
    }

    /// <summary>MODEL.safetensors → MODEL.loss.png beside it.</summary>
    internal static string DefaultPlotPath(string model)
    {
        var dir = Path.GetDirectoryName(model);
        var name = Path.GetFileNameWithoutExtension(model) + ".loss.png";
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }

    private static int Train(string textPath, string outPath, string plotPath, CharLmTrainOptions o, string? resume, double? minutes, bool json)
    {
        o.Validate();
        OutputPath.Check(outPath, "--out");
        OutputPath.Check(plotPath, "--plot");
        if (resume is not null && !File.Exists(resume)) throw new FileNotFoundException($"--resume {resume}: no such checkpoint", resume);
        CharLmTrainer trainer;
        CharCorpus corpus;
        if (resume is null)
        {
            corpus = CharCorpus.Load(textPath, o.SeqLen);
            trainer = new CharLmTrainer(corpus, o);
        }
        else
        {
            var saved = CharLmTrainer.ReadOptions(resume);
            corpus = CharCorpus.Load(textPath, saved.SeqLen);
            trainer = CharLmTrainer.Resume(corpus, resume, minutes);
            o = trainer.Options;
            Console.WriteLine($"resuming {resume} at step {trainer.Step}");
        }
        var m = trainer.Model.Config;
        Console.WriteLine($"recur charlm train: {corpus.Length:N0} characters, vocabulary {corpus.Vocabulary.Count}, " +
                          $"{corpus.Train.Length:N0} train / {corpus.Validation.Length:N0} validation");
        Console.WriteLine($"model: Embedding({m.VocabSize}, {m.EmbeddingDim}) → LSTM({m.EmbeddingDim}, {m.HiddenSize}, num_layers={m.NumLayers}, batch_first=True) " +
                          $"→ Linear({m.HiddenSize}, {m.VocabSize}); {trainer.Model.ParameterCount:N0} parameters; dropout {o.Dropout}");
        Console.WriteLine($"training: seq-len {o.SeqLen}, batch {trainer.EffectiveBatch}, AdamW lr {o.LearningRate} (warm-up {o.WarmupSteps}, cosine), clip {o.Clip}, " +
                          (o.Steps is int s ? $"{s} steps" : $"{o.Minutes} min budget") + $", seed {o.Seed}");

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        CharLmTrainResult result;
        try
        {
            if (Cli.Interactive)
            {
                result = null!;
                AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("starting", maxValue: 1);
                        result = trainer.Run(outPath, p =>
                        {
                            task.MaxValue = p.TotalSteps == int.MaxValue ? Math.Max(1, p.Step + 1) : p.TotalSteps;
                            task.Value = p.Step;
                            task.Description = Markup.Escape(Describe(p));
                            if (p.Validation is double v) ctx.Refresh();
                        }, cancel.Token);
                    });
            }
            else
            {
                DateTime last = DateTime.MinValue;
                result = trainer.Run(outPath, p =>
                {
                    if (p.Validation is not null || DateTime.UtcNow - last > TimeSpan.FromSeconds(30))
                    {
                        last = DateTime.UtcNow;
                        Console.WriteLine(Describe(p) + (p.Validation is double v ? $"  [validation {v:0.0000}]" : ""));
                    }
                }, cancel.Token);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (result.ValidationCurve.Count == 0)
            throw new InvalidOperationException($"training stopped ({result.Stopped}) after {result.Steps} steps before any validation pass; no model was written");
        var title = $"LSTM {m.NumLayers}×{m.HiddenSize}, embedding {m.EmbeddingDim}: best validation {result.BestValidation:0.0000} nats/char";
        var savedPlot = CharLmPlot.Save(result, title, plotPath);
        var table = new Table().AddColumns("", "value").HideHeaders();
        table.AddRow("best validation loss", $"{result.BestValidation:0.0000} nats/char (step {result.BestStep} of {result.Steps})");
        table.AddRow("training throughput", $"{result.TokensPerSecond:N0} characters/s ({result.TrainSeconds:0.0} s training, {result.ValidationSeconds:0.0} s validation)");
        table.AddRow("processor time", $"{result.CpuSeconds:0.0} s ({result.ValidationCpuSeconds:0.0} s validation); " +
                                         $"{result.Tokens / Math.Max(1e-9, result.CpuSeconds - result.ValidationCpuSeconds):N0} training characters per CPU-second");
        table.AddRow("stopped", result.Stopped);
        table.AddRow("model", Markup.Escape(Path.GetFullPath(outPath)));
        table.AddRow("loss curve", Markup.Escape(savedPlot));
        AnsiConsole.Write(table);
        Console.WriteLine($"best validation loss: {result.BestValidation.ToString("0.0000", CultureInfo.InvariantCulture)} nats/char");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                best_validation = result.BestValidation,
                best_step = result.BestStep,
                steps = result.Steps,
                tokens_per_second = result.TokensPerSecond,
                train_seconds = result.TrainSeconds,
                cpu_seconds = result.CpuSeconds,
                validation_cpu_seconds = result.ValidationCpuSeconds,
                validation_seconds = result.ValidationSeconds,
                stopped = result.Stopped,
                model = Path.GetFullPath(outPath),
                plot = savedPlot,
            }));
        return 0;
    }

    private static string Describe(CharLmProgress p)
    {
        var total = p.TotalSteps == int.MaxValue ? "?" : p.TotalSteps.ToString(CultureInfo.InvariantCulture);
        var s = $"step {p.Step}/{total}  {p.TokensPerSecond:N0} char/s  train {p.TrainLoss:0.000}  lr {p.LearningRate:0.0e+0}";
        if (p.BestValidation is double b) s += $"  val best {b:0.0000}";
        return s;
    }

    private static Command CreateSample()
    {
        var model = new Option<string>("--model") { Description = "model file written by recur charlm train", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "text to start from (every character must be in the model's vocabulary; default: a new line, or the vocabulary's first character if the text had none)" };
        var length = new Option<int>("--length") { Description = "characters to generate", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "softmax temperature (lower: safer, more repetitive; 0: always the most likely character)", DefaultValueFactory = _ => 0.8 };
        var topK = new Option<int?>("--top-k") { Description = "sample only among the k most likely characters" };
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same text)", DefaultValueFactory = _ => 0 };
        var cmd = new Command("sample", "Generate text with a trained model, streamed as it is produced")
        {
            model, prompt, length, temperature, topK, seed,
        };
        cmd.SetAction(r => Cli.Guard(() =>
        {
            var m = CharLmFile.Load(r.GetValue(model)!);
            var sampler = new CharLmSampler(m.Model, m.Vocabulary);
            // Without --prompt: a new line (the start of a line of the text), or, for a text without one, its first character.
            var p = r.GetValue(prompt) ?? (m.Vocabulary.IndexOf(new System.Text.Rune('\n')) >= 0 || m.Vocabulary.Count == 0 ? "\n" : m.Vocabulary[0].ToString());
            var stdout = Console.Out;
            // Validate before printing anything, so a bad prompt gives only the error.
            sampler.Check(p, r.GetValue(length), r.GetValue(temperature), r.GetValue(topK));
            stdout.Write(p);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int n = r.GetValue(length);
            sampler.Generate(p, n, r.GetValue(temperature), r.GetValue(topK), new Generator(r.GetValue(seed)), s =>
            {
                stdout.Write(s);
                stdout.Flush();
            });
            double seconds = clock.Elapsed.TotalSeconds;
            stdout.WriteLine();
            // The cost goes to stderr, so that stdout is exactly the text.
            Console.Error.WriteLine($"({n} characters after a {p.EnumerateRunes().Count()}-character prompt in {seconds:0.000} s: " +
                                    $"{(sampler.Steps / Math.Max(seconds, 1e-9)).ToString("N0", CultureInfo.InvariantCulture)} steps/s, console output included)");
            return 0;
        }));
        return cmd;
    }
}
