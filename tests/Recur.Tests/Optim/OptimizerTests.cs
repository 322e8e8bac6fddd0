using Recur.Optim;

namespace Recur.Tests.Optim;

public class OptimizerTests
{
    private static Tensor P(params float[] v) => Tensor.From(v).RequireGrad();

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var (a, b) = (P(1, 2), P(3, 4));
        var opt = new Adam(new[] { a, b }, lr: 0.1);
        a.Grad = Tensor.From(1f, 1f);
        opt.Step();
        Assert.Equal(new float[] { 3, 4 }, b.ToArray());
        Assert.Equal(0, ((Adam)opt).StepCount(1));
        Assert.NotEqual(new float[] { 1, 2 }, a.ToArray());
    }

    [Fact]
    public void EveryOptimizerMinimisesAQuadratic()
    {
        foreach (var make in new Func<Tensor[], Optimizer>[]
                 {
                     p => new Sgd(p, lr: 0.1, momentum: 0.9, nesterov: true),
                     p => new Adam(p, lr: 0.1, amsgrad: true),
                     p => new AdamW(p, lr: 0.1),
                     p => new RmsProp(p, lr: 0.05, momentum: 0.5, centered: true),
                 })
        {
            var w = P(3, -2);
            var opt = make(new[] { w });
            for (int i = 0; i < 300; i++)
            {
                opt.ZeroGrad();
                (w - Tensor.From(1f, 1f)).Pow(2f).Sum().Backward();
                opt.Step();
            }
            Assert.Equal(1f, w[0], 1);
            Assert.Equal(1f, w[1], 1);
        }
    }

    [Fact]
    public void MaximizeClimbs()
    {
        var w = P(0);
        var opt = new Sgd(new[] { w }, lr: 0.1, maximize: true);
        w.Grad = Tensor.From(1f);
        opt.Step();
        Assert.Equal(0.1f, w.Item(), 6);
    }

    [Fact]
    public void StepBumpsTheVersionSoCachesNotice()
    {
        var w = P(1);
        int v = w.Version;
        w.Grad = Tensor.From(1f);
        new Sgd(new[] { w }, lr: 0.1).Step();
        Assert.True(w.Version > v);
    }

    [Fact]
    public void InvalidHyperParameters()
    {
        Assert.Contains("Invalid learning rate", Assert.Throws<ArgumentException>(() => new Adam(new[] { P(1) }, lr: -1)).Message);
        Assert.Contains("Invalid beta parameter at index 1", Assert.Throws<ArgumentException>(() => new Adam(new[] { P(1) }, betas: (0.9, 1.0))).Message);
        Assert.Contains("Nesterov momentum requires a momentum and zero dampening",
            Assert.Throws<ArgumentException>(() => new Sgd(new[] { P(1) }, nesterov: true)).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Tensor>())).Message);
    }

    [Fact]
    public void ClipGradNormMatchesTheDefinition()
    {
        var (a, b) = (P(0, 0), P(0));
        a.Grad = Tensor.From(3f, 0f);
        b.Grad = Tensor.From(4f);
        float total = ClipGrad.ClipGradNorm(new[] { a, b }, maxNorm: 1f);
        Assert.Equal(5f, total, 5);
        Assert.Equal(3f / 5, a.Grad[0], 5);
        Assert.Equal(4f / 5, b.Grad[0], 5);
        Assert.Equal(0f, ClipGrad.ClipGradNorm(new[] { P(1) }, 1f)); // no gradients at all
    }

    [Fact]
    public void ClipGradNormCanRefuseNonFiniteNorms()
    {
        var a = P(0);
        a.Grad = Tensor.From(float.NaN);
        Assert.Contains("non-finite", Assert.Throws<InvalidOperationException>(() => ClipGrad.ClipGradNorm(a, 1f, errorIfNonfinite: true)).Message);
        Assert.True(float.IsNaN(ClipGrad.ClipGradNorm(a, 1f)));
    }
}

public class AdamVectorisationTests
{
    // The 8-wide update and its scratch-copied tail must equal a plain scalar transcription of PyTorch's formula.
    [Theory]
    [InlineData(false, false, 0.0)]
    [InlineData(true, false, 0.05)]
    [InlineData(false, true, 0.05)]
    public void MatchesScalarFormulaOnOddLengths(bool amsgrad, bool decoupled, double wd)
    {
        var rng = new Generator(3);
        var p = Tensor.Randn(rng, 37).RequireGrad();
        var want = p.ToArray();
        Adam opt = decoupled ? new AdamW(new[] { p }, lr: 0.01, weightDecay: wd, amsgrad: amsgrad) : new Adam(new[] { p }, lr: 0.01, weightDecay: wd, amsgrad: amsgrad);
        var (m, v, vmax) = (new float[37], new float[37], new float[37]);
        for (int t = 1; t <= 4; t++)
        {
            var g = Tensor.Randn(rng, 37);
            p.Grad = g;
            opt.Step();
            float stepSize = (float)(0.01 / (1 - Math.Pow(0.9, t))), bc2 = (float)Math.Sqrt(1 - Math.Pow(0.999, t));
            for (int i = 0; i < 37; i++)
            {
                float gi = g[i];
                if (decoupled) want[i] *= (float)(1 - 0.01 * wd);
                else gi += (float)wd * want[i];
                m[i] = m[i] * 0.9f + (float)(1 - 0.9) * gi;
                v[i] = v[i] * 0.999f + (float)(1 - 0.999) * gi * gi;
                float vv = amsgrad ? vmax[i] = MathF.Max(vmax[i], v[i]) : v[i];
                want[i] += -stepSize * (m[i] / (MathF.Sqrt(vv) / bc2 + 1e-8f));
            }
            for (int i = 0; i < 37; i++) Assert.Equal(want[i], p[i], 6);
        }
    }
}
