using System.Text.Json;

namespace Recur.Parity;

/// <summary>
/// Golden kinds "op" (one tensor method: gather, scatter_add, topk, argmax, argmin, where, clamp, cumsum — outputs,
/// int64 indices and the gradient of L = Σ output·R1) and "repr" (PyTorch's printed text of a list of tensors).
/// </summary>
internal static class GoldenOps
{
    public static string? Run(GoldenCase c, List<TensorCheck> checks)
    {
        var cfg = c.Section("config");
        var inputsEl = c.Section("inputs");
        if (inputsEl.ValueKind != JsonValueKind.Object) throw c.Bad("'inputs' must be an object");
        Tensor F(string name) => c.Tensor(c.Get(inputsEl, name, "inputs"), "inputs." + name).RequireGrad();
        IndexTensor Ix(string name) => c.Indices(c.Get(inputsEl, name, "inputs"), "inputs." + name);
        int Dim() => c.Int(cfg, "dim", "config");
        float? Bound(string key) => c.Has(cfg, key) ? (float)c.Double(cfg, key, "config") : null;

        var x = F("input");
        var grads = new Dictionary<string, Tensor?> { ["input"] = null };
        Tensor? src = null, other = null;
        var outputs = new Dictionary<string, object>();
        Tensor? weighted;
        switch (c.Module)
        {
            case "gather":
                weighted = x.Gather(Dim(), Ix("index"));
                outputs["output"] = weighted;
                break;
            case "scatter_add":
                src = F("src");
                weighted = x.ScatterAdd(Dim(), Ix("index"), src);
                outputs["output"] = weighted;
                break;
            case "topk":
            {
                var (values, indices) = x.TopK(c.Int(cfg, "k", "config"), Dim(), c.Bool(cfg, "largest", "config"), c.Bool(cfg, "sorted", "config"));
                weighted = values;
                outputs["values"] = values;
                outputs["indices"] = indices;
                break;
            }
            case "argmax" or "argmin":
            {
                bool max = c.Module == "argmax";
                bool keep = c.Has(cfg, "keepdim") && c.Bool(cfg, "keepdim", "config");
                outputs["output"] = !c.Has(cfg, "dim") ? (max ? x.Argmax() : x.Argmin())
                    : max ? x.Argmax(Dim(), keep) : x.Argmin(Dim(), keep);
                weighted = null;
                break;
            }
            case "where":
                other = F("other");
                weighted = Tensor.Where(c.Tensor(c.Get(inputsEl, "condition", "inputs"), "inputs.condition"), x, other);
                outputs["output"] = weighted;
                break;
            case "clamp":
                weighted = x.Clamp(Bound("min"), Bound("max"));
                outputs["output"] = weighted;
                break;
            case "cumsum":
                weighted = x.Cumsum(Dim());
                outputs["output"] = weighted;
                break;
            default:
                return $"op {c.Module} is not implemented";
        }

        var wantOutputs = c.Section("outputs");
        foreach (var p in wantOutputs.EnumerateObject())
        {
            string name = "outputs." + p.Name;
            switch (outputs.GetValueOrDefault(p.Name))
            {
                case Tensor t: GoldenRunner.Compare(c, checks, name, t, p.Value); break;
                case IndexTensor ix:
                    var want = c.Indices(p.Value, name);
                    bool same = Shapes.Equal(ix.Shape, want.Shape) && ix.Data.AsSpan().SequenceEqual(want.Data);
                    checks.Add(new TensorCheck(same ? name : $"{name} (got {ix}, want {want})", same ? 0 : double.PositiveInfinity, same));
                    break;
                default: checks.Add(new TensorCheck(name + " (missing)", double.PositiveInfinity, false)); break;
            }
        }
        if (weighted is null) return null;
        var loss = GoldenRunner.Loss(c, out double scale, weighted);
        GoldenRunner.CheckLossValue(c, checks, loss, scale);
        loss.Backward();
        grads["input"] = x.Grad;
        if (src != null) grads["src"] = src.Grad;
        if (other != null) grads["other"] = other.Grad;
        var wantGrads = c.Section("grads");
        foreach (var p in wantGrads.EnumerateObject())
            GoldenRunner.Compare(c, checks, "grads." + p.Name, grads.GetValueOrDefault(p.Name), p.Value);
        return null;
    }

    /// <summary>Each item's tensor printed by Recur must equal PyTorch's <c>repr</c> character for character.</summary>
    public static string? RunRepr(GoldenCase c, List<TensorCheck> checks)
    {
        var items = c.Get(c.Section("outputs"), "items", "outputs");
        if (items.ValueKind != JsonValueKind.Array) throw c.Bad("'outputs.items' must be an array");
        int k = 0;
        foreach (var item in items.EnumerateArray())
        {
            string where = $"outputs.items[{k++}]";
            var tensorEl = c.Get(item, "tensor", where);
            string label = c.String(item, "label", where);
            string want = c.String(item, "repr", where);
            string got;
            if (c.String(tensorEl, "dtype", where + ".tensor") == "int64") got = c.Indices(tensorEl, where + ".tensor").ToString();
            else
            {
                var t = c.Tensor(tensorEl, where + ".tensor");
                string? grad = c.Has(item, "grad") ? c.String(item, "grad", where) : null;
                if (grad != null) t.RequireGrad();
                got = grad switch
                {
                    null or "leaf" => t.ToString(),
                    "add_zero" => (t + 0f).ToString(),
                    "mul_one" => (t * 1f).ToString(),
                    _ => throw c.Bad($"'{where}.grad' is not one of leaf, add_zero, mul_one: {grad}"),
                };
            }
            bool same = got == want;
            checks.Add(new TensorCheck(same ? label : $"{label}: {FirstDifference(got, want)}", same ? 0 : double.PositiveInfinity, same));
        }
        return null;
    }

    /// <summary>Where two strings first differ, with ~30 characters of each around it (newlines shown as \n).</summary>
    private static string FirstDifference(string got, string want)
    {
        int i = 0;
        while (i < got.Length && i < want.Length && got[i] == want[i]) i++;
        string Around(string s) => s.Substring(Math.Max(0, i - 30), Math.Min(s.Length, i + 30) - Math.Max(0, i - 30)).Replace("\n", "\\n");
        return $"differs at character {i}: got \"{Around(got)}\", want \"{Around(want)}\"";
    }
}
