using System.Text.Json;
using Recur.Nn;
using Recur.Optim;

namespace Recur.Parity;

/// <summary>Outcome of one case.</summary>
public enum CaseStatus
{
    Pass,
    Fail,
    /// <summary>The case needs something Recur does not implement; counts as a failure.</summary>
    Unsupported,
    /// <summary>The file is malformed or running it threw; counts as a failure.</summary>
    Error,
}

/// <summary>One compared tensor: the largest |got − want| and whether every element is within tolerance.</summary>
public sealed record TensorCheck(string Name, double MaxAbsError, bool Pass);

public sealed record CaseResult(string Name, string Module, CaseStatus Status, IReadOnlyList<TensorCheck> Checks, string? Message = null);

/// <summary>
/// Runs a golden case with Recur — builds the module from <c>config</c>, loads <c>params</c>, runs forward,
/// the stated scalar loss and backward (or the optimizer trajectory, or the clipping) — and compares every
/// output and gradient under <see cref="Tolerance"/>.
/// </summary>
public static class GoldenRunner
{
    /// <summary>
    /// The golden README's per-element tolerance: |got − want| ≤ 1e−5·max(1, max|want|) + 1e−4·|want|,
    /// loose enough for float32 summation order, far tighter than any semantic mistake.
    /// </summary>
    public static bool WithinTolerance(float got, float want, float maxAbsWant) =>
        (float.IsNaN(want) && float.IsNaN(got)) ||
        (float.IsInfinity(want) && got == want) ||
        Math.Abs((double)got - want) <= 1e-5 * Math.Max(1.0, maxAbsWant) + 1e-4 * Math.Abs(want);

    public static CaseResult Run(string path)
    {
        GoldenCase c;
        try
        {
            c = GoldenCase.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or IOException)
        {
            return new CaseResult(System.IO.Path.GetFileNameWithoutExtension(path), "?", CaseStatus.Error, Array.Empty<TensorCheck>(), e.Message);
        }
        return Run(c);
    }

    public static CaseResult Run(GoldenCase c)
    {
        var checks = new List<TensorCheck>();
        try
        {
            var unsupported = c.Kind switch
            {
                "rnn" => RunRnn(c, checks),
                "module" => c.Module switch
                {
                    "Linear" => RunLinear(c, checks),
                    "Embedding" => RunEmbedding(c, checks),
                    _ => $"module {c.Module} is not implemented",
                },
                "function" => c.Module == "one_hot" ? RunOneHot(c, checks) : $"function {c.Module} is not implemented",
                "loss" => RunLoss(c, checks),
                "optimizer" => RunOptimizer(c, checks),
                "clip" => RunClip(c, checks),
                "op" => GoldenOps.Run(c, checks),
                "repr" => GoldenOps.RunRepr(c, checks),
                _ => $"kind '{c.Kind}' is not implemented",
            };
            if (unsupported != null) return new CaseResult(c.Name, c.Module, CaseStatus.Unsupported, checks, unsupported);
            return new CaseResult(c.Name, c.Module, checks.All(k => k.Pass) ? CaseStatus.Pass : CaseStatus.Fail, checks);
        }
        catch (InvalidDataException e)
        {
            return new CaseResult(c.Name, c.Module, CaseStatus.Error, checks, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            return new CaseResult(c.Name, c.Module, CaseStatus.Error, checks, $"{c.Name}: {e.GetType().Name}: {e.Message}");
        }
    }

    // ---- comparison ---------------------------------------------------------------------------------

    internal static void Compare(GoldenCase c, List<TensorCheck> checks, string name, Tensor? got, JsonElement wantEl)
    {
        var want = c.Tensor(wantEl, name);
        if (got is null)
        {
            checks.Add(new TensorCheck(name + " (missing)", double.PositiveInfinity, false));
            return;
        }
        if (!Shapes.Equal(got.Shape, want.Shape))
        {
            checks.Add(new TensorCheck($"{name} (shape {Shapes.Format(got.Shape)} vs {Shapes.Format(want.Shape)})", double.PositiveInfinity, false));
            return;
        }
        ReadOnlySpan<float> g = got.Span;
        ReadOnlySpan<float> w = want.Span;
        float maxAbs = 0;
        foreach (float v in w) if (float.IsFinite(v)) maxAbs = MathF.Max(maxAbs, MathF.Abs(v));
        double worst = 0;
        bool pass = true;
        for (int i = 0; i < w.Length; i++)
        {
            if (!WithinTolerance(g[i], w[i], maxAbs)) pass = false;
            double err = Math.Abs((double)g[i] - w[i]);
            if (double.IsNaN(err)) err = float.IsNaN(g[i]) && float.IsNaN(w[i]) ? 0 : double.PositiveInfinity;
            worst = Math.Max(worst, err);
        }
        checks.Add(new TensorCheck(name, worst, pass));
    }

    /// <summary>Compares every entry of outputs / grads that the case records against what we computed.</summary>
    private static void CompareAll(GoldenCase c, List<TensorCheck> checks, string section, IReadOnlyDictionary<string, Tensor?> got)
    {
        var el = c.Section(section);
        if (el.ValueKind != JsonValueKind.Object) throw c.Bad($"'{section}' must be an object");
        foreach (var p in el.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object) continue;
            Compare(c, checks, $"{section}.{p.Name}", got.TryGetValue(p.Name, out var t) ? t : null, p.Value);
        }
    }

    private static Dictionary<string, Tensor> ReadParams(GoldenCase c)
    {
        var d = new Dictionary<string, Tensor>();
        var el = c.Section("params");
        if (el.ValueKind != JsonValueKind.Object) throw c.Bad("'params' must be an object");
        foreach (var p in el.EnumerateObject()) d[p.Name] = c.Tensor(p.Value, "params." + p.Name);
        return d;
    }

    /// <summary>
    /// L = Σ output·R1 + Σ h_n·R2 (+ Σ c_n·R3), or L = output for a scalar loss; <paramref name="scale"/> = Σ|t·R| over the
    /// weighted terms (0 for L = output), the size of the float32 sum that <see cref="CheckLossValue"/> allows for.
    /// </summary>
    internal static Tensor Loss(GoldenCase c, out double scale, params Tensor?[] terms)
    {
        var loss = c.Section("loss");
        string formula = c.String(loss, "formula", "loss");
        scale = 0;
        if (formula.Trim() == "L = output") return terms[0]!;
        Tensor? total = null;
        for (int i = 0; i < terms.Length; i++)
        {
            string key = "R" + (i + 1);
            if (terms[i] is null || !c.Has(loss, key)) continue;
            var r = c.Tensor(c.Get(loss, key, "loss"), "loss." + key);
            var term = (terms[i]! * r).Sum();
            total = total is null ? term : total + term;
            ReadOnlySpan<float> tv = terms[i]!.Span, rv = r.Span;
            for (int j = 0; j < Math.Min(tv.Length, rv.Length); j++) scale += Math.Abs((double)tv[j] * rv[j]);
        }
        return total ?? throw c.Bad($"loss formula '{formula}' has no R tensors to weight the outputs");
    }

    /// <summary>
    /// Compares the scalar loss. A weighted sum over many elements (L = Σ output·R1 + …) also passes within
    /// 1e−7·<paramref name="scale"/> (Σ|output·R|, from <see cref="Loss"/>): PyTorch reduces it in float32, whose rounding
    /// grows with that sum (up to about log2(n)·2⁻²⁴·Σ|terms|), and every output is already compared element by element —
    /// at 33×32×320 outputs the float32 sum alone is off the exact one by 1.8e−5 where the per-element rule allows 3.8e−5.
    /// </summary>
    internal static void CheckLossValue(GoldenCase c, List<TensorCheck> checks, Tensor loss, double scale)
    {
        var el = c.Section("loss");
        if (!c.Has(el, "value")) return;
        int at = checks.Count;
        Compare(c, checks, "loss.value", loss, c.Get(el, "value", "loss"));
        var k = checks[at];
        if (!k.Pass && k.MaxAbsError <= 1e-7 * scale)
            checks[at] = k with { Pass = true };
    }

    // ---- kinds ----------------------------------------------------------------------------------------

    private static string? RunRnn(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        int inputSize = c.Int(cfg, "input_size", "config"), hidden = c.Int(cfg, "hidden_size", "config");
        int layers = c.Has(cfg, "num_layers") ? c.Int(cfg, "num_layers", "config") : 1;
        bool bias = !c.Has(cfg, "bias") || c.Bool(cfg, "bias", "config");
        bool batchFirst = c.Has(cfg, "batch_first") && c.Bool(cfg, "batch_first", "config");
        bool bidir = c.Has(cfg, "bidirectional") && c.Bool(cfg, "bidirectional", "config");
        double dropout = c.Has(cfg, "dropout") ? c.Double(cfg, "dropout", "config") : 0;
        int proj = c.Has(cfg, "proj_size") ? c.Int(cfg, "proj_size", "config") : 0;
        if (dropout != 0) return "dropout > 0 draws PyTorch's RNG, which cannot be reproduced";

        RnnBase module = c.Module switch
        {
            "RNN" => new Rnn(inputSize, hidden, layers,
                (c.Has(cfg, "nonlinearity") ? c.String(cfg, "nonlinearity", "config") : "tanh") switch
                {
                    "tanh" => Nonlinearity.Tanh,
                    "relu" => Nonlinearity.Relu,
                    var other => throw c.Bad($"unknown nonlinearity '{other}'"),
                }, bias, batchFirst, 0f, bidir),
            "LSTM" => new Lstm(inputSize, hidden, layers, bias, batchFirst, 0f, bidir, proj),
            "GRU" => new Gru(inputSize, hidden, layers, bias, batchFirst, 0f, bidir),
            _ => throw c.Bad($"unknown rnn module '{c.Module}'"),
        };
        module.LoadStateDict(ReadParams(c));

        var inputs = c.Section("inputs");
        var x = c.Tensor(c.Get(inputs, "input", "inputs"), "inputs.input").RequireGrad();
        var h0 = c.Has(inputs, "h0") ? c.Tensor(c.Get(inputs, "h0", "inputs"), "inputs.h0").RequireGrad() : null;
        var c0 = c.Has(inputs, "c0") ? c.Tensor(c.Get(inputs, "c0", "inputs"), "inputs.c0").RequireGrad() : null;
        if (module is Lstm && (h0 is null) != (c0 is null)) throw c.Bad("LSTM cases give h0 and c0 together or neither");

        Tensor output, hN;
        Tensor? cN = null;
        if (c.Has(c.Root, "packed"))
        {
            var packed = c.Section("packed");
            var lengthsEl = c.Get(packed, "lengths", "packed");
            if (lengthsEl.ValueKind != JsonValueKind.Array) throw c.Bad("'packed.lengths' must be an array");
            var lengths = lengthsEl.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            bool enforce = c.Has(packed, "enforce_sorted") && c.Bool(packed, "enforce_sorted", "packed");
            int? totalLength = c.Has(packed, "total_length") ? c.Int(packed, "total_length", "packed") : null;
            float padding = c.Has(packed, "padding_value") ? (float)c.Double(packed, "padding_value", "packed") : 0f;
            var seq = RnnUtils.PackPaddedSequence(x, lengths, batchFirst, enforce);
            PackedSequence outPacked;
            switch (module)
            {
                case Lstm lstm:
                    (outPacked, (hN, var cn)) = lstm.Forward(seq, h0 is null ? null : (h0, c0!));
                    cN = cn;
                    break;
                default: (outPacked, hN) = ((HiddenStateRnn)module).Forward(seq, h0); break;
            }
            output = RnnUtils.PadPackedSequence(outPacked, batchFirst, padding, totalLength).Padded;
        }
        else
        {
            switch (module)
            {
                case Lstm lstm:
                    (output, (hN, var cn)) = lstm.Forward(x, h0 is null ? null : (h0, c0!));
                    cN = cn;
                    break;
                default: (output, hN) = ((HiddenStateRnn)module).Forward(x, h0); break;
            }
        }

        CompareAll(c, checks, "outputs", new Dictionary<string, Tensor?> { ["output"] = output, ["h_n"] = hN, ["c_n"] = cN });
        var loss = Loss(c, out double scale, output, hN, cN);
        CheckLossValue(c, checks, loss, scale);
        loss.Backward();
        var grads = new Dictionary<string, Tensor?> { ["input"] = x.Grad, ["h0"] = h0?.Grad, ["c0"] = c0?.Grad };
        foreach (var (name, p) in module.NamedParameters()) grads[name] = p.Grad;
        CompareAll(c, checks, "grads", grads);
        return null;
    }

    private static string? RunLinear(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        var linear = new Linear(c.Int(cfg, "in_features", "config"), c.Int(cfg, "out_features", "config"),
            !c.Has(cfg, "bias") || c.Bool(cfg, "bias", "config"));
        linear.LoadStateDict(ReadParams(c));
        var x = c.Tensor(c.Get(c.Section("inputs"), "input", "inputs"), "inputs.input").RequireGrad();
        var y = linear.Forward(x);
        CompareAll(c, checks, "outputs", new Dictionary<string, Tensor?> { ["output"] = y });
        var loss = Loss(c, out double scale, y);
        CheckLossValue(c, checks, loss, scale);
        loss.Backward();
        CompareAll(c, checks, "grads", new Dictionary<string, Tensor?> { ["input"] = x.Grad, ["weight"] = linear.Weight.Grad, ["bias"] = linear.Bias?.Grad });
        return null;
    }

    private static string? RunEmbedding(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        if (c.Has(cfg, "max_norm")) return "Embedding max_norm is not implemented";
        if (c.Has(cfg, "scale_grad_by_freq") && c.Bool(cfg, "scale_grad_by_freq", "config")) return "Embedding scale_grad_by_freq is not implemented";
        int? pad = c.Has(cfg, "padding_idx") ? c.Int(cfg, "padding_idx", "config") : null;
        var emb = new Embedding(c.Int(cfg, "num_embeddings", "config"), c.Int(cfg, "embedding_dim", "config"), pad);
        emb.LoadStateDict(ReadParams(c));
        var idx = c.Indices(c.Get(c.Section("inputs"), "input", "inputs"), "inputs.input");
        var y = emb.Forward(idx);
        CompareAll(c, checks, "outputs", new Dictionary<string, Tensor?> { ["output"] = y });
        var loss = Loss(c, out double scale, y);
        CheckLossValue(c, checks, loss, scale);
        loss.Backward();
        CompareAll(c, checks, "grads", new Dictionary<string, Tensor?> { ["weight"] = emb.Weight.Grad });
        return null;
    }

    private static string? RunOneHot(GoldenCase c, List<TensorCheck> checks)
    {
        var idx = c.Indices(c.Get(c.Section("inputs"), "tensor", "inputs"), "inputs.tensor");
        var got = Functional.OneHot(idx, c.Int(c.Section("config"), "num_classes", "config"));
        var want = c.Indices(c.Get(c.Section("outputs"), "output", "outputs"), "outputs.output");
        bool same = Shapes.Equal(got.Shape, want.Shape) && got.Data.AsSpan().SequenceEqual(want.Data);
        checks.Add(new TensorCheck("outputs.output", same ? 0 : double.PositiveInfinity, same));
        return null;
    }

    private static string? RunLoss(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        var inputs = c.Section("inputs");
        var reduction = (c.Has(cfg, "reduction") ? c.String(cfg, "reduction", "config") : "mean") switch
        {
            "mean" => Reduction.Mean,
            "sum" => Reduction.Sum,
            "none" => Reduction.None,
            var r => throw c.Bad($"unknown reduction '{r}'"),
        };
        var x = c.Tensor(c.Get(inputs, "input", "inputs"), "inputs.input").RequireGrad();
        Tensor y;
        Tensor? target = null;
        switch (c.Module)
        {
            case "MSELoss":
                target = c.Tensor(c.Get(inputs, "target", "inputs"), "inputs.target").RequireGrad();
                y = new MseLoss(reduction).Forward(x, target);
                break;
            case "CrossEntropyLoss":
                if (c.Has(cfg, "weight")) return "CrossEntropyLoss class weights are not implemented";
                var t = c.Indices(c.Get(inputs, "target", "inputs"), "inputs.target");
                int ignore = c.Has(cfg, "ignore_index") ? c.Int(cfg, "ignore_index", "config") : -100;
                float smoothing = c.Has(cfg, "label_smoothing") ? (float)c.Double(cfg, "label_smoothing", "config") : 0f;
                y = new CrossEntropyLoss(ignore, reduction, smoothing).Forward(x, t);
                break;
            default:
                return $"loss {c.Module} is not implemented";
        }
        CompareAll(c, checks, "outputs", new Dictionary<string, Tensor?> { ["output"] = y });
        var loss = Loss(c, out double scale, y);
        CheckLossValue(c, checks, loss, scale);
        loss.Backward();
        CompareAll(c, checks, "grads", new Dictionary<string, Tensor?> { ["input"] = x.Grad, ["target"] = target?.Grad });
        return null;
    }

    private static string? RunOptimizer(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        var ps = ReadParams(c);
        foreach (var p in ps.Values) p.RequiresGrad = true;
        double D(string key, double dflt) => c.Has(cfg, key) ? c.Double(cfg, key, "config") : dflt;
        bool B(string key) => c.Has(cfg, key) && c.Bool(cfg, key, "config");
        (double, double) Betas()
        {
            if (!c.Has(cfg, "betas")) return (0.9, 0.999);
            var b = c.Get(cfg, "betas", "config").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            if (b.Length != 2) throw c.Bad("'config.betas' must have two numbers");
            return (b[0], b[1]);
        }
        // config.param_groups: [{"params": [names], overrides…}]; otherwise one group of every parameter in dict order.
        var order = new List<string>();
        ParamGroup[] Groups()
        {
            order.Clear();
            if (!c.Has(cfg, "param_groups"))
            {
                order.AddRange(ps.Keys);
                return new[] { new ParamGroup(ps.Values) };
            }
            var groups = new List<ParamGroup>();
            foreach (var g in c.Get(cfg, "param_groups", "config").EnumerateArray())
            {
                double? GD(string key) => c.Has(g, key) ? c.Double(g, key, "config.param_groups") : null;
                bool? GB(string key) => c.Has(g, key) ? c.Bool(g, key, "config.param_groups") : null;
                (double, double)? betas = null;
                if (c.Has(g, "betas"))
                {
                    var b = c.Get(g, "betas", "config.param_groups").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                    if (b.Length != 2) throw c.Bad("'config.param_groups[].betas' must have two numbers");
                    betas = (b[0], b[1]);
                }
                var names = c.Get(g, "params", "config.param_groups").EnumerateArray().Select(v => v.GetString()!).ToList();
                foreach (var n in names)
                    if (!ps.ContainsKey(n)) throw c.Bad($"'config.param_groups' names unknown parameter '{n}'");
                order.AddRange(names);
                groups.Add(new ParamGroup(names.Select(n => ps[n]), lr: GD("lr"), weightDecay: GD("weight_decay"), momentum: GD("momentum"),
                    dampening: GD("dampening"), nesterov: GB("nesterov"), betas: betas, eps: GD("eps"), amsgrad: GB("amsgrad"),
                    alpha: GD("alpha"), centered: GB("centered"), maximize: GB("maximize")));
            }
            return groups.ToArray();
        }
        Optimizer? Make() => c.Module switch
        {
            "SGD" => new Sgd(Groups(), D("lr", 1e-3), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize")),
            "Adam" => new Adam(Groups(), D("lr", 1e-3), Betas(), D("eps", 1e-8), D("weight_decay", 0), B("amsgrad"), B("maximize")),
            "AdamW" => new AdamW(Groups(), D("lr", 1e-3), Betas(), D("eps", 1e-8), D("weight_decay", 1e-2), B("amsgrad"), B("maximize")),
            "RMSprop" => new RmsProp(Groups(), D("lr", 1e-2), D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0),
                B("centered"), B("maximize")),
            _ => null,
        };
        var opt = Make();
        if (opt is null) return $"optimizer {c.Module} is not implemented";

        var steps = c.Get(c.Section("inputs"), "grads", "inputs");
        var after = c.Get(c.Section("outputs"), "params_after_step", "outputs");
        if (steps.ValueKind != JsonValueKind.Array || after.ValueKind != JsonValueKind.Array || steps.GetArrayLength() != after.GetArrayLength())
            throw c.Bad("'inputs.grads' and 'outputs.params_after_step' must be arrays of equal length");
        int k = 0;
        foreach (var (gradStep, want) in steps.EnumerateArray().Zip(after.EnumerateArray()))
        {
            foreach (var (name, p) in ps)
                p.Grad = c.Has(gradStep, name) ? c.Tensor(c.Get(gradStep, name, $"inputs.grads[{k}]"), $"inputs.grads[{k}].{name}") : null;
            opt.Step();
            foreach (var (name, p) in ps)
                Compare(c, checks, $"params_after_step[{k}].{name}", p, c.Get(want, name, $"outputs.params_after_step[{k}]"));
            // Halfway, continue with a fresh optimizer restored from the state dict, as a resumed run would.
            if (k == 1)
            {
                var saved = opt.StateDict();
                opt = Make()!;
                opt.LoadStateDict(saved);
            }
            k++;
        }

        // PyTorch's opt.state after the last step, per parameter name: the step count and every buffer.
        if (c.Has(c.Root, "state_after_last_step"))
        {
            var state = opt.StateDict().State;
            foreach (var entry in c.Get(c.Root, "state_after_last_step", "").EnumerateObject())
            {
                int index = order.IndexOf(entry.Name);
                if (index < 0) throw c.Bad($"'state_after_last_step' names unknown parameter '{entry.Name}'");
                var ours = state.TryGetValue(index, out var e) ? e : new Dictionary<string, Tensor>();
                foreach (var item in entry.Value.EnumerateObject())
                {
                    string label = $"state_after_last_step.{entry.Name}.{item.Name}";
                    switch (item.Value.ValueKind)
                    {
                        case JsonValueKind.Null: // SGD without momentum: PyTorch keeps momentum_buffer = None
                            checks.Add(new TensorCheck(label + " (None)", 0, !ours.ContainsKey(item.Name)));
                            break;
                        case JsonValueKind.Number:
                            bool same = ours.TryGetValue(item.Name, out var t) && t.Numel == 1 && t.Item() == item.Value.GetDouble();
                            checks.Add(new TensorCheck(label, same ? 0 : double.PositiveInfinity, same));
                            break;
                        default:
                            Compare(c, checks, label, ours.TryGetValue(item.Name, out var b) ? b : null, item.Value);
                            break;
                    }
                }
            }
        }
        return null;
    }

    private static string? RunClip(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        var gradsEl = c.Get(c.Section("inputs"), "grads", "inputs");
        var ps = new List<(string Name, Tensor P)>();
        foreach (var g in gradsEl.EnumerateObject())
        {
            var grad = c.Tensor(g.Value, "inputs.grads." + g.Name);
            var holder = Tensor.Zeros(grad.Shape);
            holder.Grad = grad;
            ps.Add((g.Name, holder));
        }
        bool single = c.Has(c.Section("inputs"), "single_tensor") && c.Bool(c.Section("inputs"), "single_tensor", "inputs");
        var outputs = c.Section("outputs");
        switch (c.Module)
        {
            case "clip_grad_norm_":
            {
                float maxNorm = (float)c.Double(cfg, "max_norm", "config");
                float normType = c.Has(cfg, "norm_type") ? (float)c.Double(cfg, "norm_type", "config") : 2f;
                bool errorIfNonfinite = c.Has(cfg, "error_if_nonfinite") && c.Bool(cfg, "error_if_nonfinite", "config");
                float total = single && ps.Count == 1
                    ? ClipGrad.ClipGradNorm(ps[0].P, maxNorm, normType, errorIfNonfinite)
                    : ClipGrad.ClipGradNorm(ps.Select(p => p.P), maxNorm, normType, errorIfNonfinite);
                Compare(c, checks, "outputs.total_norm", Tensor.Scalar(total), c.Get(outputs, "total_norm", "outputs"));
                break;
            }
            case "clip_grad_value_":
                ClipGrad.ClipGradValue(ps.Select(p => p.P), (float)c.Double(cfg, "clip_value", "config"));
                break;
            default:
                return $"clipping function {c.Module} is not implemented";
        }
        var wantGrads = c.Get(outputs, "grads", "outputs");
        foreach (var (name, p) in ps) Compare(c, checks, "outputs.grads." + name, p.Grad, c.Get(wantGrads, name, "outputs.grads"));
        return null;
    }
}
