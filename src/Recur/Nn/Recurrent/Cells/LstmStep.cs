using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>LSTM, gates i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c').</summary>
internal readonly struct LstmStep : ICellStep
{
    public static int GateCount => 4;
    public static bool HasCellState => true;
    public static bool SeparateRecurrent => false;
    public static string NodeName => "LstmBackward0";

    public static void Forward(in StepForward s) => Gates.LstmForward(s.Gates, s.CPrev, s.C, s.H, s.Batch, s.Hidden);

    public static void Backward(in StepBackward s) =>
        Gates.LstmBackward(s.Gates, s.C, s.CPrev, s.DH, s.DC, s.DGates, s.Batch, s.Hidden);
}
