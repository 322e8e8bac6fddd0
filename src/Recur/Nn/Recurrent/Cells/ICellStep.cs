namespace Recur.Nn.Recurrent;

/// <summary>
/// One cell kind's arithmetic for one time step, written once and used by the sequence forward and backward
/// (<see cref="RecurrentLayer"/>) and by <see cref="StreamingRnn"/>. Implemented by a struct per cell, so the JIT
/// compiles each loop once per cell with every call inlined (the pattern of TensorPrimitives' operator structs).
/// A new cell is one file implementing this, a <see cref="CellKind"/> member and its line in <see cref="CellSteps.Dispatch"/>.
/// The products with the weights stay with the caller: before <see cref="Forward"/> the gates hold
/// x·W_ihᵀ + b_ih and, unless <see cref="SeparateRecurrent"/>, also h·W_hhᵀ + b_hh.
/// </summary>
internal interface ICellStep
{
    /// <summary>Gate blocks of hidden_size rows the weights stack (LSTM 4, GRU 3, RNN 1).</summary>
    static abstract int GateCount { get; }

    /// <summary>Whether the cell carries a cell state c besides h (LSTM).</summary>
    static abstract bool HasCellState { get; }

    /// <summary>
    /// Whether h·W_hhᵀ + b_hh goes to its own buffer (<see cref="StepForward.Gh"/>) instead of adding into the gates
    /// (GRU: r multiplies its n block). Then the backward's recurrent product adds to dh (beta 1) instead of replacing it.
    /// </summary>
    static abstract bool SeparateRecurrent { get; }

    /// <summary>The autograd node's name, as PyTorch's.</summary>
    static abstract string NodeName { get; }

    /// <summary>The pointwise part of a step: gate activations (in place), new c, new h.</summary>
    static abstract void Forward(in StepForward s);

    /// <summary>The pointwise part of a step's backward: gate gradients from dh (and dc).</summary>
    static abstract void Backward(in StepBackward s);
}

/// <summary>Buffers of one forward step, all row-major with <see cref="Batch"/> rows.</summary>
internal readonly ref struct StepForward
{
    /// <summary>Pre-activations in, activations out.   [bs, G·H]</summary>
    public Span<float> Gates { get; init; }
    /// <summary>h·W_hhᵀ + b_hh when <see cref="ICellStep.SeparateRecurrent"/>.   [bs, G·H]</summary>
    public ReadOnlySpan<float> Gh { get; init; }
    /// <summary>h_{t−1}.   [bs, H]</summary>
    public ReadOnlySpan<float> HPrev { get; init; }
    /// <summary>h_t out (for an LSTM with a projection: o·tanh(c), projected by the caller); may alias HPrev.   [bs, H]</summary>
    public Span<float> H { get; init; }
    /// <summary>c_{t−1} and c_t (may alias).   [bs, H]</summary>
    public ReadOnlySpan<float> CPrev { get; init; }
    /// <inheritdoc cref="CPrev"/>
    public Span<float> C { get; init; }
    /// <summary>Kept for the backward: the n block of <see cref="Gh"/> (GRU).   [bs, H]</summary>
    public Span<float> Ghn { get; init; }
    public int Batch { get; init; }
    public int Hidden { get; init; }
}

/// <summary>Buffers of one backward step, all row-major with <see cref="Batch"/> rows.</summary>
internal readonly ref struct StepBackward
{
    /// <summary>The forward's gate activations.   [bs, G·H]</summary>
    public ReadOnlySpan<float> Gates { get; init; }
    /// <summary>h_{t−1}, c_t, c_{t−1}, the GRU's kept W_hn·h + b_hn.   [bs, H]</summary>
    public ReadOnlySpan<float> HPrev { get; init; }
    /// <inheritdoc cref="HPrev"/>
    public ReadOnlySpan<float> C { get; init; }
    /// <inheritdoc cref="HPrev"/>
    public ReadOnlySpan<float> CPrev { get; init; }
    /// <inheritdoc cref="HPrev"/>
    public ReadOnlySpan<float> Ghn { get; init; }
    /// <summary>d h_t in; the GRU leaves its direct part dh·z for the caller's product to add to.   [bs, H]</summary>
    public Span<float> DH { get; init; }
    /// <summary>d c_t in, d c_{t−1} out (LSTM).   [bs, H]</summary>
    public Span<float> DC { get; init; }
    /// <summary>Gradient of the gate pre-activations on the input side.   [bs, G·H]</summary>
    public Span<float> DGates { get; init; }
    /// <summary>The same on the recurrent side when it differs (GRU), else the same buffer.   [bs, G·H]</summary>
    public Span<float> DGh { get; init; }
    public int Batch { get; init; }
    public int Hidden { get; init; }
}

/// <summary>Code that runs once per cell kind, handed the cell's <see cref="ICellStep"/> type.</summary>
internal interface ICellVisitor
{
    void Visit<TCell>() where TCell : struct, ICellStep;
}

/// <summary>The one place a <see cref="CellKind"/> becomes its <see cref="ICellStep"/> type.</summary>
internal static class CellSteps
{
    public static void Dispatch<TVisitor>(CellKind cell, ref TVisitor visitor) where TVisitor : struct, ICellVisitor
    {
        switch (cell)
        {
            case CellKind.RnnTanh: visitor.Visit<RnnTanhStep>(); break;
            case CellKind.RnnRelu: visitor.Visit<RnnReluStep>(); break;
            case CellKind.Lstm: visitor.Visit<LstmStep>(); break;
            case CellKind.Gru: visitor.Visit<GruStep>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(cell), cell, "unknown cell kind");
        }
    }

    private struct Facts : ICellVisitor
    {
        public int Gates;
        public string Name;
        public bool Separate;
        public void Visit<TCell>() where TCell : struct, ICellStep =>
            (Gates, Name, Separate) = (TCell.GateCount, TCell.NodeName, TCell.SeparateRecurrent);
    }

    /// <summary>How many gate blocks of hidden_size rows the weights stack.</summary>
    public static int GateCount(CellKind cell)
    {
        var f = new Facts();
        Dispatch(cell, ref f);
        return f.Gates;
    }

    /// <summary><see cref="ICellStep.SeparateRecurrent"/> of the cell kind.</summary>
    public static bool SeparateRecurrent(CellKind cell)
    {
        var f = new Facts();
        Dispatch(cell, ref f);
        return f.Separate;
    }

    /// <summary>The autograd node's name.</summary>
    public static string NodeName(CellKind cell)
    {
        var f = new Facts();
        Dispatch(cell, ref f);
        return f.Name;
    }
}
