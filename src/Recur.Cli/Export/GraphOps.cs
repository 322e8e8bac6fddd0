using Recur.Forecasting;
using Recur.Onnx;
using static Recur.Onnx.OnnxAttribute;

namespace Recur.Cli.Export;

/// <summary>Node helpers over one <see cref="OnnxGraph"/> for the forecaster's pre- and post-processing.</summary>
internal sealed class GraphOps(OnnxGraph g)
{
    public string Cast(string x, OnnxElementType to) => g.Node("Cast", [x], CastTo(to));

    public string Unsqueeze(string x, int axis) => g.Node("Unsqueeze", [x, g.Constant([(long)axis], 1)]);

    public string Squeeze(string x, int axis) => g.Node("Squeeze", [x, g.Constant([(long)axis], 1)]);

    /// <summary>x[start:end] along <paramref name="axis"/> (ONNX clamps the bounds; negative ones count from the end).</summary>
    public string Slice(string x, int axis, long start, long end) =>
        g.Node("Slice", [x, g.Constant([start], 1), g.Constant([end], 1), g.Constant([(long)axis], 1)]);

    /// <summary>Box-Cox y ↦ (y^λ − 1)/λ (<see cref="SeriesTransform.Forward(double)"/>), λ broadcast against y.</summary>
    public string ForwardBoxCox(string y, string lambda) =>
        g.Node("Div", [g.Node("Sub", [g.Node("Pow", [y, lambda]), g.Constant([1.0])]), lambda]);

    /// <summary>
    /// Box-Cox z ↦ min((λz + 1)^(1/λ), 1e30), and where λz + 1 ≤ 0 the edge beyond it: 0 for λ &gt; 0, 1e30 for λ &lt; 0
    /// (<see cref="SeriesTransform.Inverse"/>).
    /// </summary>
    public string InverseBoxCox(string z, string lambda, string inverseLambda)
    {
        var zero = g.Constant([0.0]);
        var cap = g.Constant([SeriesSet.MaxMagnitude]);
        var basis = g.Node("Add", [g.Node("Mul", [lambda, z]), g.Constant([1.0])]);
        var power = g.Node("Min", [g.Node("Pow", [g.Node("Max", [basis, zero]), inverseLambda]), cap]);
        var edge = g.Node("Where", [g.Node("Greater", [lambda, zero]), zero, cap]);
        return g.Node("Where", [g.Node("Greater", [basis, zero]), power, edge]);
    }

    /// <summary>
    /// <see cref="MissingValues.FillLinear"/> along axis 1 of x [M, T] (float64): a gap between known values a (row i) and b
    /// (row k) becomes a + (b − a)·(m − i)/(k − i), a leading gap the first known value, a trailing gap the last; a row with no
    /// known value stays NaN. Each row's known positions sorted (TopK) and counted (CumSum) give every position its previous
    /// and next known one without a loop over time.
    /// </summary>
    public string FillLinear(string x)
    {
        var shape = g.Node("Shape", [x]);
        var length = Slice(shape, 0, 1, 2);                                                           // [1]: T
        var position = Cast(g.Node("Range", [g.Constant([0L]), g.Node("Squeeze", [length, g.Constant([0L], 1)]), g.Constant([1L])]), OnnxElementType.Float64);   // [T]
        var known = g.Node("Not", [g.Node("IsNaN", [x])]);
        var infinity = g.Constant([double.PositiveInfinity]);
        // Known positions ascending, then +∞: slot s holds the (s + 1)-th known position.
        var sorted = g.Node("TopK", [g.Node("Where", [known, position, infinity]), length], 2, Int("axis", 1), Int("largest", 0), Int("sorted", 1))[0];
        var seen = g.Node("CumSum", [Cast(known, OnnxElementType.Int64), g.Constant([1L])]);        // known positions ≤ m
        var zero = g.Constant([0L]);
        var last = g.Node("Sub", [length, g.Constant([1L])]);
        var i = g.Node("GatherElements", [sorted, g.Node("Max", [g.Node("Sub", [seen, g.Constant([1L])]), zero])], Int("axis", 1));
        var k = g.Node("GatherElements", [sorted, g.Node("Min", [seen, last])], Int("axis", 1));   // for an unknown m: the next known
        var before = g.Node("GreaterOrEqual", [seen, g.Constant([1L])]);
        var after = g.Node("Less", [k, infinity]);
        string At(string p, string ok) => g.Node("GatherElements", [x, Cast(g.Node("Where", [ok, p, g.Constant([0.0])]), OnnxElementType.Int64)], Int("axis", 1));
        var a = At(i, before);
        var b = At(k, after);
        var between = g.Node("Add", [a, g.Node("Div", [g.Node("Mul", [g.Node("Sub", [b, a]), g.Node("Sub", [position, i])]), g.Node("Sub", [k, i])])]);
        var gap = g.Node("Where", [g.Node("And", [before, after]), between, g.Node("Where", [before, a, b])]);
        return g.Node("Where", [known, x, gap]);
    }

    /// <summary><see cref="FillLinear"/> of each column of x [N, rows, C] along its rows.</summary>
    public string FillColumns(string x)
    {
        var columns = g.Node("Transpose", [x], Ints("perm", 0, 2, 1));                                // [N, C, rows]
        var flat = g.Node("Flatten", [columns], Int("axis", 2));                                      // [N·C, rows]
        var filled = g.Node("Reshape", [FillLinear(flat), g.Node("Shape", [columns])]);
        return g.Node("Transpose", [filled], Ints("perm", 0, 2, 1));
    }
}
