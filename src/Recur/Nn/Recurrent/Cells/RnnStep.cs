using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>Elman RNN with tanh: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
internal readonly struct RnnTanhStep : ICellStep
{
    public static int GateCount => 1;
    public static bool HasCellState => false;
    public static bool SeparateRecurrent => false;
    public static string NodeName => "RnnBackward0";

    public static void Forward(in StepForward s) => RnnRows.Forward(s, relu: false);

    // The activations kept in the gate buffer are h itself: tanh' = 1 − h².
    public static void Backward(in StepBackward s) => RnnRows.Backward(s, relu: false);
}

/// <summary>Elman RNN with ReLU: h' = max(0, W_ih x + b_ih + W_hh h + b_hh).</summary>
internal readonly struct RnnReluStep : ICellStep
{
    public static int GateCount => 1;
    public static bool HasCellState => false;
    public static bool SeparateRecurrent => false;
    public static string NodeName => "RnnBackward0";

    public static void Forward(in StepForward s) => RnnRows.Forward(s, relu: true);

    // relu' = [h > 0], read from h (the activations kept in the gate buffer).
    public static void Backward(in StepBackward s) => RnnRows.Backward(s, relu: true);
}

/// <summary>
/// The RNN pass row by row, as the LSTM and GRU kernels go: where the vector part ends (and the scalar tail begins)
/// then depends on the hidden size only, never on how many rows a call holds, so splitting a step's rows over
/// threads (<see cref="CellPass"/>) gives bit-identical results.
/// </summary>
internal static class RnnRows
{
    public static void Forward(in StepForward s, bool relu)
    {
        int H = s.Hidden;
        for (int b = 0; b < s.Batch; b++) Gates.RnnForward(s.Gates.Slice(b * H, H), relu);
        s.Gates.CopyTo(s.H);
    }

    public static void Backward(in StepBackward s, bool relu)
    {
        int H = s.Hidden;
        for (int b = 0; b < s.Batch; b++)
            Gates.RnnBackward(s.Gates.Slice(b * H, H), s.DH.Slice(b * H, H), s.DGates.Slice(b * H, H), relu);
    }
}
