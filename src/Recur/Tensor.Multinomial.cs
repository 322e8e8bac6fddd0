namespace Recur;

// Sampling category indices from rows of non-negative weights.
public sealed partial class Tensor
{
    /// <summary>
    /// Draws <paramref name="numSamples"/> category indices from each row of non-negative weights (1-d: [C] → [n];
    /// 2-d: [R, C] → [R, n]), as <c>torch.multinomial</c>. The weights need not sum to 1. Without
    /// <paramref name="replacement"/> each row's draws are distinct, in the order a sequential draw-and-remove would give
    /// them (the exponential-race method PyTorch uses; once the non-zero weights are used up, zero-weight categories follow,
    /// as PyTorch returns them). PyTorch's own random stream cannot be reproduced, so the same seed gives other indices
    /// than PyTorch's, with the same distribution; the same <paramref name="generator"/> state always gives the same draws.
    /// </summary>
    /// <exception cref="ArgumentException">Not 1-d or 2-d, <paramref name="numSamples"/> ≤ 0 or more than the categories without
    /// replacement, a weight negative or not finite, or a row summing to 0.</exception>
    public IndexTensor Multinomial(int numSamples, bool replacement = false, Generator? generator = null)
    {
        if (Dim is not (1 or 2)) throw new ArgumentException("prob_dist must be 1 or 2 dim");
        int rows = Dim == 1 ? 1 : _shape[0], cats = _shape[Dim - 1];
        if (numSamples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        if (!replacement && numSamples > cats)
            throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        if (cats > 1 << 24) throw new ArgumentException("number of categories cannot exceed 2^24");
        var p = ReadOnlySpan;
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            foreach (float v in p.Slice(r * cats, cats))
            {
                if (!float.IsFinite(v) || v < 0) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
                sum += v;
            }
            if (!(sum > 0)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
        }
        var rng = generator ?? Generator.Default;
        var result = new long[rows * numSamples];
        var cdf = new double[cats];
        var keys = new double[cats];
        var order = new int[cats];
        for (int r = 0; r < rows; r++)
        {
            var w = p.Slice(r * cats, cats);
            if (replacement)
            {
                double acc = 0;
                for (int c = 0; c < cats; c++) cdf[c] = acc += w[c];
                for (int s = 0; s < numSamples; s++)
                {
                    // First category whose cumulative weight exceeds u·total: zero-weight categories are never chosen.
                    double u = rng.NextDouble() * acc;
                    int lo = 0, hi = cats - 1;
                    while (lo < hi)
                    {
                        int mid = (lo + hi) >> 1;
                        if (cdf[mid] > u) hi = mid; else lo = mid + 1;
                    }
                    result[r * numSamples + s] = lo;
                }
            }
            else
            {
                // Exponential race: key_c = w_c / E_c with E_c ~ Exp(1); the largest keys, in order, are a draw without replacement.
                for (int c = 0; c < cats; c++)
                {
                    double e = -Math.Log(1.0 - rng.NextDouble());
                    keys[c] = w[c] / Math.Max(e, double.Epsilon); // e = 0 only when the draw is exactly 0; avoid 0/0
                    order[c] = c;
                }
                Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
                for (int s = 0; s < numSamples; s++) result[r * numSamples + s] = order[s];
            }
        }
        return Dim == 1 ? new IndexTensor(result, numSamples) : new IndexTensor(result, rows, numSamples);
    }
}
