using Recur.Nn;

namespace Recur.Text;

/// <summary>
/// A character-level language model, the PyTorch module
/// <code>
/// embedding = nn.Embedding(V, E); lstm = nn.LSTM(E, H, L, batch_first=True); head = nn.Linear(H, V)
/// logits, (h, c) = head(lstm(embedding(x), (h0, c0)))
/// </code>
/// so its state dict (<c>embedding.weight</c>, <c>lstm.weight_ih_l0</c>, …, <c>head.weight</c>, <c>head.bias</c>) loads into
/// that module. Dropout (training only) sits between the LSTM layers and before the head; it has no parameters.
/// </summary>
public sealed class CharLm : Module
{
    /// <summary>The sizes this model was built with.</summary>
    public CharLmConfig Config { get; }

    /// <summary>Character → vector, [V, E].</summary>
    public Embedding Embedding { get; }

    /// <summary>The recurrent stack, batch_first.</summary>
    public Lstm Lstm { get; }

    /// <summary>Hidden state → logits over the characters, [V, H].</summary>
    public Linear Head { get; }

    private readonly Generator _dropoutRng;

    /// <summary>Builds the model with PyTorch's initialisation drawn from <paramref name="rng"/>.</summary>
    public CharLm(CharLmConfig config, Generator? rng = null)
    {
        config.Validate();
        Config = config;
        rng ??= Generator.Default;
        Embedding = RegisterModule("embedding", new Embedding(config.VocabSize, config.EmbeddingDim, rng: rng));
        Lstm = RegisterModule("lstm", new Lstm(config.EmbeddingDim, config.HiddenSize, config.NumLayers, batchFirst: true,
            dropout: config.NumLayers > 1 ? config.Dropout : 0f, rng: rng));
        Head = RegisterModule("head", new Linear(config.HiddenSize, config.VocabSize, rng: rng));
        _dropoutRng = rng;
    }

    /// <summary>
    /// indices: [batch, seq] → (logits [batch, seq, V], (h_n, c_n) each [layers, batch, H]).
    /// <paramref name="state"/> null starts from zeros.
    /// </summary>
    public (Tensor Logits, RnnState State) Forward(IndexTensor indices, RnnState? state = null)
    {
        if (indices.Dim != 2)
            throw new ArgumentException($"CharLm expects indices of shape [batch, seq], got {Recur.Shapes.Format(indices.Shape)}");
        var x = Embedding.Forward(indices);                     // [B, T, E]
        var (output, next) = Lstm.ForwardState(x, state);       // [B, T, H]
        output = Functional.Dropout(output, Config.Dropout, Training, _dropoutRng);
        return (Head.Forward(output), next);                    // [B, T, V]
    }

    /// <summary>
    /// The same with the state as a pair, as <see cref="Nn.Lstm.Forward(Tensor, ValueTuple{Tensor, Tensor}?)"/>:
    /// indices [batch, seq], (h0, c0) each [layers, batch, H] → (logits [batch, seq, V], (h_n, c_n)).
    /// This is the form the ONNX exporter traces (inputs <c>input</c>, <c>h0</c>, <c>c0</c>).
    /// </summary>
    public (Tensor Logits, (Tensor HN, Tensor CN) State) Forward(IndexTensor indices, (Tensor H0, Tensor C0)? state)
    {
        var (logits, next) = Forward(indices, state is { } s ? new RnnState(s.H0, s.C0) : null);
        return (logits, (next.H, next.C!));
    }

    /// <summary>
    /// The state_dict entries a model of <paramref name="config"/> has, in order (<c>embedding.weight</c> [V, E], the LSTM's
    /// <c>lstm.weight_ih_l0</c> …, <c>head.weight</c> [V, H], <c>head.bias</c> [V]), without building it: a model file's tensors
    /// are checked against these before any weight is allocated.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> ParameterShapes(CharLmConfig config)
    {
        config.Validate();
        return [("embedding.weight", [config.VocabSize, config.EmbeddingDim]),
            .. RnnBase.ParameterShapes(Nn.Recurrent.CellKind.Lstm, config.EmbeddingDim, config.HiddenSize, config.NumLayers).Select(e => ("lstm." + e.Name, e.Shape)),
            ("head.weight", [config.VocabSize, config.HiddenSize]), ("head.bias", [config.VocabSize])];
    }

    /// <summary>Number of trainable values.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Numel);

    /// <inheritdoc/>
    protected override string TypeName => "CharLm";
}
