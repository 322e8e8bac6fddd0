using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>Elman RNN with tanh: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
internal readonly struct RnnTanhStep : ICellStep
{
    public static int GateCount => 1;
    public static bool HasCellState => false;
    public static bool SeparateRecurrent => false;
    public static string NodeName => "RnnBackward0";

    public static void Forward(in StepForward s)
    {
        Gates.RnnForward(s.Gates, relu: false);
        s.Gates.CopyTo(s.H);
    }

    // The activations kept in the gate buffer are h itself: tanh' = 1 − h².
    public static void Backward(in StepBackward s) => Gates.RnnBackward(s.Gates, s.DH, s.DGates, relu: false);
}

/// <summary>Elman RNN with ReLU: h' = max(0, W_ih x + b_ih + W_hh h + b_hh).</summary>
internal readonly struct RnnReluStep : ICellStep
{
    public static int GateCount => 1;
    public static bool HasCellState => false;
    public static bool SeparateRecurrent => false;
    public static string NodeName => "RnnBackward0";

    public static void Forward(in StepForward s)
    {
        Gates.RnnForward(s.Gates, relu: true);
        s.Gates.CopyTo(s.H);
    }

    // relu' = [h > 0], read from h (the activations kept in the gate buffer).
    public static void Backward(in StepBackward s) => Gates.RnnBackward(s.Gates, s.DH, s.DGates, relu: true);
}
