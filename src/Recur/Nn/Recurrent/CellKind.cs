namespace Recur.Nn.Recurrent;

/// <summary>The recurrent cell a layer runs.</summary>
public enum CellKind
{
    /// <summary>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</summary>
    RnnTanh,
    /// <summary>h' = relu(W_ih x + b_ih + W_hh h + b_hh)</summary>
    RnnRelu,
    /// <summary>Gates i, f, g, o; c' = f·c + i·g; h' = o·tanh(c') (then ·W_hrᵀ with a projection).</summary>
    Lstm,
    /// <summary>Gates r, z, n; n = tanh(W_in x + b_in + r·(W_hn h + b_hn)); h' = (1−z)·n + z·h.</summary>
    Gru,
}

/// <summary>Properties of each <see cref="CellKind"/>.</summary>
public static class CellKindExtensions
{
    /// <summary>How many gate blocks of hidden_size rows the weights stack: 1, 4 or 3.</summary>
    public static int GateCount(this CellKind cell) => CellSteps.GateCount(cell);
}
