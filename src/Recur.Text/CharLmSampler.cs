using Recur.Kernels;
using Recur.Nn;

namespace Recur.Text;

/// <summary>
/// Generates text one character at a time with the model's state carried by a <see cref="StreamingRnn"/>: the prompt
/// is read once, then each sampled character is fed back as the next input — no step recomputes the prefix.
/// Sampling: logits / temperature, optionally only the <c>k</c> most likely characters, drawn with a seeded
/// <see cref="Generator"/> (same seed, same text).
/// </summary>
public sealed class CharLmSampler
{
    private readonly CharLm _model;
    private readonly CharVocabulary _vocab;
    private readonly StreamingRnn _stream;
    private readonly float[] _x, _h, _logits, _probs;
    private readonly PackedMatrix _headT;
    private readonly int[] _order;

    /// <summary>Prepares a stream over <paramref name="model"/> (batch 1, state zero).</summary>
    public CharLmSampler(CharLm model, CharVocabulary vocab)
    {
        if (vocab.Count != model.Config.VocabSize)
            throw new ArgumentException($"the vocabulary has {vocab.Count} characters but the model {model.Config.VocabSize} classes");
        _model = model;
        _vocab = vocab;
        _stream = new StreamingRnn(model.Lstm);
        int V = vocab.Count, H = model.Config.HiddenSize;
        _x = new float[model.Config.EmbeddingDim];
        _h = new float[H];
        _logits = new float[V];
        _probs = new float[V];
        _order = new int[V];
        _headT = Gemm.PackB(true, H, V, model.Head.Weight.Span, H); // head.weight [V, H]: logits = h·Wᵀ
    }

    /// <summary>Characters fed so far (prompt and generated).</summary>
    public long Steps => _stream.Steps;

    /// <summary>
    /// Feeds <paramref name="prompt"/>, then samples <paramref name="length"/> characters, handing each to
    /// <paramref name="emit"/> as soon as it is drawn.
    /// </summary>
    /// <exception cref="ArgumentException">Empty prompt, a prompt character the model never saw, bad temperature or top-k.</exception>
    public string Generate(string prompt, int length, double temperature, int? topK, Generator rng, Action<string>? emit = null)
    {
        var ids = Check(prompt, length, temperature, topK);
        foreach (int id in ids) Feed(id);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int next = Sample(temperature, topK, rng);
            var s = _vocab[next].ToString();
            sb.Append(s);
            emit?.Invoke(s);
            if (i + 1 < length) Feed(next);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The settings of <see cref="Generate"/> checked without generating (a caller that prints the prompt first checks
    /// them before it prints anything); the prompt's character indices.
    /// </summary>
    /// <exception cref="ArgumentException">Empty prompt, a prompt character the model never saw, bad length, temperature or top-k.</exception>
    public int[] Check(string prompt, int length, double temperature, int? topK)
    {
        if (string.IsNullOrEmpty(prompt)) throw new ArgumentException("--prompt must not be empty: the model needs at least one character to start from");
        if (length < 0) throw new ArgumentException($"--length must be non-negative, got {length}");
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentException($"--temperature must be positive (or 0: always the most likely character), got {temperature}");
        if (topK is int k && (k < 1 || k > _vocab.Count))
            throw new ArgumentException($"--top-k must be between 1 and the vocabulary size {_vocab.Count}, got {k}");
        return _vocab.Encode(prompt, "the prompt");
    }

    /// <summary>Advances the state by one character and computes the logits for the next.</summary>
    public void Feed(int id)
    {
        if ((uint)id >= (uint)_vocab.Count) throw new ArgumentOutOfRangeException(nameof(id), $"character index {id} is outside the vocabulary of {_vocab.Count}");
        int E = _x.Length;
        _model.Embedding.Weight.Span.Slice(id * E, E).CopyTo(_x);
        _stream.Step(_x, _h);
        var bias = _model.Head.Bias!.Span;
        bias.CopyTo(_logits);
        Gemm.Sgemm(false, 1, 1f, _h, _h.Length, _headT, 1f, _logits, _logits.Length); // logits = h·headᵀ + b
    }

    /// <summary>The logits for the next character after the last <see cref="Feed"/>.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    /// <summary>
    /// Draws the next character index from softmax(logits / temperature), restricted to the top k; temperature 0 is the
    /// limit of that draw, the most likely character (the lowest index among equal logits), and draws nothing from
    /// <paramref name="rng"/>.
    /// </summary>
    public int Sample(double temperature, int? topK, Generator rng)
    {
        int V = _logits.Length;
        if (temperature == 0)
        {
            int best = 0;
            for (int i = 1; i < V; i++) if (_logits[i] > _logits[best]) best = i;
            return best;
        }
        for (int i = 0; i < V; i++) _order[i] = i;
        int kept = V;
        if (topK is int k && k < V)
        {
            // Stable by index for equal logits, so the draw is reproducible.
            Array.Sort(_order, (a, b) => _logits[b] != _logits[a] ? _logits[b].CompareTo(_logits[a]) : a.CompareTo(b));
            kept = k;
        }
        double max = double.NegativeInfinity;
        for (int j = 0; j < kept; j++) max = Math.Max(max, _logits[_order[j]]);
        double sum = 0;
        for (int j = 0; j < kept; j++)
        {
            double p = Math.Exp((_logits[_order[j]] - max) / temperature);
            _probs[j] = (float)p;
            sum += p;
        }
        double u = rng.NextDouble() * sum, acc = 0;
        for (int j = 0; j < kept; j++)
        {
            acc += _probs[j];
            if (u < acc) return _order[j];
        }
        return _order[kept - 1];
    }
}
