
namespace Recur.Tests;

/// <summary>
/// Finite-difference gradient check. For outputs y_k = f(inputs) and fixed random weights R_k,
/// L = Σ_k Σ y_k·R_k; the analytic dL/dθ from Backward is compared with the central difference
/// (L(θ + ε) − L(θ − ε)) / 2ε, with L summed in double from the float32 outputs.
/// </summary>
public static class GradCheck
{
    public const float Eps = 2e-3f;
    public const double Atol = 2e-3, Rtol = 2e-2;

    /// <summary>Checks d/d(each input) of f at the inputs' current values; at most <paramref name="maxProbes"/> elements per input.</summary>
    public static void Check(Func<Tensor[]> f, Tensor[] inputs, int maxProbes = 40, int seed = 7, double atol = Atol, double rtol = Rtol)
    {
        foreach (var p in inputs) { p.RequiresGrad = true; p.Grad = null; }
        var outs = f();
        var rng = new Generator(seed);
        var weights = outs.Select(o => Tensor.Randn(rng, o.Shape)).ToArray();
        Tensor? loss = null;
        for (int k = 0; k < outs.Length; k++)
        {
            var term = (outs[k] * weights[k]).Sum();
            loss = loss is null ? term : loss + term;
        }
        loss!.Backward();

        double Eval()
        {
            using var _ = GradMode.NoGrad();
            var ys = f();
            double s = 0;
            for (int k = 0; k < ys.Length; k++)
            {
                var y = ys[k].ToArray();
                var w = weights[k].ToArray();
                for (int i = 0; i < y.Length; i++) s += (double)y[i] * w[i];
            }
            return s;
        }

        var probeRng = new Generator(seed + 1);
        for (int n = 0; n < inputs.Length; n++)
        {
            var p = inputs[n];
            Assert.True(p.Grad != null, $"input {n} {Shapes.Format(p.Shape)} got no gradient");
            var analytic = p.Grad!.ToArray();
            var data = p.Span;
            int count = data.Length;
            var probes = count <= maxProbes
                ? Enumerable.Range(0, count).ToArray()
                : Enumerable.Range(0, maxProbes).Select(_ => probeRng.NextInt(count)).Distinct().ToArray();
            foreach (int i in probes)
            {
                float keep = data[i];
                data[i] = keep + Eps;
                p.MarkModified();
                double plus = Eval();
                data[i] = keep - Eps;
                p.MarkModified();
                double minus = Eval();
                data[i] = keep;
                p.MarkModified();
                double numeric = (plus - minus) / (2 * Eps);
                double err = Math.Abs(numeric - analytic[i]);
                Assert.True(err <= atol + rtol * Math.Abs(numeric),
                    $"input {n} {Shapes.Format(p.Shape)} element {i}: analytic {analytic[i]:G6}, numeric {numeric:G6} (|diff| {err:G3})");
            }
        }
    }

    public static void Check(Func<Tensor> f, params Tensor[] inputs) => Check(() => new[] { f() }, inputs);
}
