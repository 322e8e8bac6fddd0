namespace Recur.Forecasting;

/// <summary>
/// The highway's least-squares weights, and the validation error that chose their ridge penalty;
/// λ = +∞ (all weights zero) when no penalty beat the anchor alone on validation.
/// </summary>
public sealed record HighwayFit(float[] Weight, float[] Bias, double Lambda, double ValidationLoss);

/// <summary>
/// Starts the linear highway at its ridge-regression optimum, so training begins from a strong linear
/// forecaster (the network's read-out of the encoder still starts at zero) and the encoder only has to
/// learn what a linear model of the window cannot. The closed form costs one (L+1)² solve.
/// </summary>
/// <remarks>
/// With X = [window | 1] (one row per training origin) and Y the targets (corrections to the anchor):
/// W = (XᵀX + λ·s·I′)⁻¹ XᵀY, where I′ leaves the bias unpenalised and s = trace(XᵀX)/L makes λ
/// independent of the series' scale. λ is chosen from <see cref="Lambdas"/> by validation MSE, and must beat
/// λ = ∞ (the anchor alone): on a short, noisy series the linear fit can be worse than no fit.
/// </remarks>
public static class HighwayFitter
{
    /// <summary>The ridge penalties tried, in units of trace(XᵀX)/L.</summary>
    public static readonly double[] Lambdas = [1e-4, 1e-3, 1e-2, 1e-1, 1];

    /// <summary>Fits the highway on <paramref name="train"/> for each penalty and keeps the one with the least MSE on <paramref name="validation"/>, if it beats the anchor alone.</summary>
    public static HighwayFit Fit(ForecastBatch train, ForecastBatch validation)
    {
        int L = train.WindowWidth, H = train.Horizon, k = L + 1;
        var gram = new double[k, k];
        var xty = new double[k, H];
        var row = new double[k];
        for (int i = 0; i < train.Count; i++)
        {
            for (int j = 0; j < L; j++) row[j] = train.Window[i * L + j];
            row[L] = 1;
            for (int a = 0; a < k; a++)
            {
                double ra = row[a];
                if (ra == 0) continue;
                for (int b = 0; b <= a; b++) gram[a, b] += ra * row[b];
                for (int h = 0; h < H; h++) xty[a, h] += ra * train.Targets![i * H + h];
            }
        }
        double trace = 0;
        for (int a = 0; a < L; a++) trace += gram[a, a];
        double scale = Math.Max(trace / L, 1e-12);

        var best = new HighwayFit(new float[H * L], new float[H], double.PositiveInfinity, Mse(validation, new double[k, H]));
        foreach (double lambda in Lambdas)
        {
            var w = Solve(gram, xty, lambda * scale, L);
            if (w is null) continue;
            double loss = Mse(validation, w);
            if (loss < best.ValidationLoss)
            {
                var weight = new float[H * L];
                var bias = new float[H];
                for (int h = 0; h < H; h++)
                {
                    for (int j = 0; j < L; j++) weight[h * L + j] = (float)w[j, h];
                    bias[h] = (float)w[L, h];
                }
                best = new HighwayFit(weight, bias, lambda, loss);
            }
        }
        return best;
    }

    // Cholesky solve of (G + penalty·I′) W = XᵀY, G given by its lower triangle; null when not positive definite.
    private static double[,]? Solve(double[,] gram, double[,] xty, double penalty, int L)
    {
        int k = L + 1, H = xty.GetLength(1);
        var c = new double[k, k];
        for (int a = 0; a < k; a++)
        for (int b = 0; b <= a; b++)
        {
            double s = gram[a, b] + (a == b && a < L ? penalty : 0);
            for (int m = 0; m < b; m++) s -= c[a, m] * c[b, m];
            if (a == b)
            {
                if (!(s > 0)) return null;
                c[a, a] = Math.Sqrt(s);
            }
            else c[a, b] = s / c[b, b];
        }
        var w = new double[k, H];
        for (int h = 0; h < H; h++)
        {
            for (int a = 0; a < k; a++) // forward: C z = XᵀY
            {
                double s = xty[a, h];
                for (int m = 0; m < a; m++) s -= c[a, m] * w[m, h];
                w[a, h] = s / c[a, a];
            }
            for (int a = k - 1; a >= 0; a--) // back: Cᵀ w = z
            {
                double s = w[a, h];
                for (int m = a + 1; m < k; m++) s -= c[m, a] * w[m, h];
                w[a, h] = s / c[a, a];
            }
        }
        return w;
    }

    private static double Mse(ForecastBatch batch, double[,] w)
    {
        int L = batch.WindowWidth, H = batch.Horizon;
        double sum = 0;
        for (int i = 0; i < batch.Count; i++)
        for (int h = 0; h < H; h++)
        {
            double p = w[L, h];
            for (int j = 0; j < L; j++) p += w[j, h] * batch.Window[i * L + j];
            double e = p - batch.Targets![i * H + h];
            sum += e * e;
        }
        return sum / ((double)batch.Count * H);
    }
}
