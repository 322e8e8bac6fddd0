using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>GRU, gates r, z, n: n = tanh(W_in x + b_in + r·(W_hn h + b_hn)); h' = (1 − z)·n + z·h.</summary>
internal readonly struct GruStep : ICellStep
{
    public static int GateCount => 3;
    public static bool HasCellState => false;
    public static bool SeparateRecurrent => true;
    public static string NodeName => "GruBackward0";

    public static void Forward(in StepForward s) => Gates.GruForward(s.Gates, s.Gh, s.HPrev, s.H, s.Ghn, s.Batch, s.Hidden);

    public static void Backward(in StepBackward s) =>
        Gates.GruBackward(s.Gates, s.Ghn, s.HPrev, s.DH, s.DGates, s.DGh, s.Batch, s.Hidden);
}
