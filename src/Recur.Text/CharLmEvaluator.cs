using Recur.Autograd;
using Recur.Nn;

namespace Recur.Text;

/// <summary>
/// The protocol's figure of merit: the mean cross-entropy, in nats per character, of predicting every character of a
/// text from all the characters before it, the model run over the text as one stream with its state carried.
/// </summary>
/// <remarks>
/// The stream is fed in chunks of <see cref="ChunkLength"/> steps with (h, c) carried from one chunk to the next, which
/// is the same computation as one step at a time (each layer runs over the chunk in turn, so its weights stay in cache),
/// hence the same number.
/// </remarks>
public static class CharLmEvaluator
{
    /// <summary>Steps per forward call.</summary>
    public const int ChunkLength = 2048;

    /// <summary>
    /// Mean −log p(ids[t+1] | ids[0..t]) over t = 0 … n−2, in nats; the first character is only context.
    /// </summary>
    /// <param name="model">The model (run in eval mode; its mode is restored after).</param>
    /// <param name="ids">The text as vocabulary indices.</param>
    /// <param name="progress">Called with the fraction done after each chunk.</param>
    /// <param name="chunkLength">Steps per forward call; any value gives the same loss up to float rounding.</param>
    /// <exception cref="ArgumentException">Fewer than two characters, or a chunk length below 1.</exception>
    public static double Loss(CharLm model, ReadOnlySpan<int> ids, Action<double>? progress = null, int chunkLength = ChunkLength)
    {
        if (ids.Length < 2) throw new ArgumentException($"validation needs at least 2 characters, got {ids.Length}");
        if (chunkLength < 1) throw new ArgumentException($"chunk length must be at least 1, got {chunkLength}");
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            int V = model.Config.VocabSize;
            int n = ids.Length - 1; // predictions
            double total = 0;
            RnnState? state = null;
            for (int start = 0; start < n; start += chunkLength)
            {
                int T = Math.Min(chunkLength, n - start);
                var input = new long[T];
                for (int t = 0; t < T; t++) input[t] = ids[start + t];
                var (logits, next) = model.Forward(new IndexTensor(input, 1, T), state); // [1, T, V]
                state = next;
                var z = logits.Span;
                for (int t = 0; t < T; t++)
                    total += NegLogSoftmax(z.Slice(t * V, V), ids[start + t + 1]);
                progress?.Invoke((double)(start + T) / n);
            }
            return total / n;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>−log softmax(z)[target] = logsumexp(z) − z[target], in double.</summary>
    internal static double NegLogSoftmax(ReadOnlySpan<float> z, int target)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(z);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return Math.Log(sum) + max - z[target];
    }
}
