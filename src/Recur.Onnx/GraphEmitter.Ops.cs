using static Recur.Onnx.GraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Recur.Onnx;

internal sealed partial class GraphEmitter
{
    /// <summary>Writes traced operation <paramref name="k"/> as ONNX nodes and names its outputs.</summary>
    private void EmitOp(int k)
    {
        TracedOp a = _t1.Ops[k], b = _t2.Ops[k];
        int[] ins = _opInputs[k], outs = _opOutputs[k];
        string X(int j) => Value(ins[j]);
        string[] result;
        switch (a.Op)
        {
            case "Add" or "Sub" or "Mul" or "Div" or "MatMul":
                result = new[] { _g.Node(a.Op, new[] { X(0), X(1) }) };
                break;
            case "AddScalar" or "MulScalar" or "Pow":
                result = new[] { _g.Node(a.Op == "AddScalar" ? "Add" : a.Op == "MulScalar" ? "Mul" : "Pow", new[] { X(0), _g.Scalar(SameFloat(a, b, 0)) }) };
                break;
            case "Exp" or "Log" or "Tanh" or "Sigmoid" or "Relu" or "Sqrt" or "Abs" or "Sin" or "Cos" or "Identity":
                result = new[] { _g.Node(a.Op, new[] { X(0) }) };
                break;
            case "Clamp":
            {
                float lo = SameFloat(a, b, 0), hi = SameFloat(a, b, 1); // an absent bound is ±∞: Clip's empty input
                result = new[] { _g.Node("Clip", new[] { X(0), float.IsNegativeInfinity(lo) ? "" : _g.Scalar(lo), float.IsPositiveInfinity(hi) ? "" : _g.Scalar(hi) }) };
                break;
            }
            case "Reshape":
                result = new[] { _g.Node("Reshape", new[] { X(0), ShapeTensor(Shape(outs[0])) }) };
                break;
            case "Expand":
                result = new[] { _g.Node("Expand", new[] { X(0), ShapeTensor(Shape(outs[0])) }) };
                break;
            case "Transpose":
                result = new[] { _g.Node("Transpose", new[] { X(0) }, Ints("perm", SameInts(a, b, 0).Select(v => (long)v))) };
                break;
            case "Narrow":
            {
                int d = SameInt(a, b, 0);
                int size1 = ShapeOf(_slots[ins[0]].O1)[d], size2 = ShapeOf(_slots[ins[0]].O2)[d];
                int s1 = (int)a.Attributes[1], s2 = (int)b.Attributes[1], len1 = (int)a.Attributes[2], len2 = (int)b.Attributes[2];
                if (s1 < 0) s1 += size1;
                if (s2 < 0) s2 += size2;
                result = new[] { Slice(X(0), d, (s1, s2), (s1 + len1, s2 + len2), (size1, size2)) };
                break;
            }
            case "Select":
            {
                int d = SameInt(a, b, 0);
                int size1 = ShapeOf(_slots[ins[0]].O1)[d], size2 = ShapeOf(_slots[ins[0]].O2)[d];
                int i1 = (int)a.Attributes[1], i2 = (int)b.Attributes[1];
                if (i1 < 0) i1 += size1;
                if (i2 < 0) i2 += size2;
                var sliced = Slice(X(0), d, (i1, i2), (i1 + 1, i2 + 1), (size1, size2));
                result = new[] { _g.Node("Squeeze", new[] { sliced, _g.Int64s(new long[] { d }) }) };
                break;
            }
            case "IndexSelect":
            {
                int d = SameInt(a, b, 0);
                var idx1 = (int[])a.Attributes[1];
                if (!idx1.AsSpan().SequenceEqual((int[])b.Attributes[1])) throw Inconsistent("IndexSelect picks different indices for different input sizes");
                result = new[] { _g.Node("Gather", new[] { X(0), _g.Int64s(idx1.Select(v => (long)v).ToArray()) }, Int("axis", d)) };
                break;
            }
            case "Concat":
                result = new[] { _g.Node("Concat", ins.Select(Value), Int("axis", SameInt(a, b, 0))) };
                break;
            case "Stack":
            {
                int d = SameInt(a, b, 0);
                var axes = _g.Int64s(new long[] { d });
                result = new[] { _g.Node("Concat", ins.Select(i => _g.Node("Unsqueeze", new[] { Value(i), axes })), Int("axis", d)) };
                break;
            }
            case "SumAll":
                result = new[] { _g.Node("ReduceSum", new[] { X(0) }, Int("keepdims", 0)) };
                break;
            case "MeanAll":
                result = new[] { _g.Node("ReduceMean", new[] { X(0) }, Int("keepdims", 0)) };
                break;
            case "Sum":
                result = new[] { _g.Node("ReduceSum", new[] { X(0), _g.Int64s(new long[] { SameInt(a, b, 0) }) }, Int("keepdims", SameBool(a, b, 1) ? 1 : 0)) };
                break;
            case "Mean": // opset ≤ 17: ReduceMean takes axes as an attribute
                result = new[] { _g.Node("ReduceMean", new[] { X(0) }, Ints("axes", new long[] { SameInt(a, b, 0) }), Int("keepdims", SameBool(a, b, 1) ? 1 : 0)) };
                break;
            case "Softmax" or "LogSoftmax":
                result = new[] { _g.Node(a.Op, new[] { X(0) }, Int("axis", SameInt(a, b, 0))) };
                break;
            case "Linear":
                result = new[] { Linear(X(0), Rank(ins[0]), ins[1], ins.Length > 2 ? X(2) : null) };
                break;
            case "Embedding":
                result = new[] { _g.Node("Gather", new[] { X(0), X(1) }, Int("axis", 0)) };
                break;
            case "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual" or "Equal":
                // Recur's masks are float 1/0: compare, then Cast the bool to float.
                result = new[] { _g.Node("Cast", new[] { _g.Node(a.Op, new[] { X(0), _g.Scalar(SameFloat(a, b, 0)) }) }, Int("to", (int)DataType.Float)) };
                break;
            case "Where": // the float condition holds where it is non-zero: Cast to bool
                result = new[] { _g.Node("Where", new[] { _g.Node("Cast", new[] { X(0) }, Int("to", (int)DataType.Bool)), X(1), X(2) }) };
                break;
            case "Cumsum":
                result = new[] { _g.Node("CumSum", new[] { X(0), _g.Int64s(new long[] { SameInt(a, b, 0) }, scalar: true) }) };
                break;
            case "Gather":
                result = new[] { _g.Node("GatherElements", new[] { X(0), X(1) }, Int("axis", SameInt(a, b, 0))) };
                break;
            case "Recurrent":
                result = Recurrent(k);
                break;
            default:
                throw Unsupported($"its forward uses {a.Op}, which ONNX export does not support");
        }
        for (int j = 0; j < outs.Length; j++) _slots[outs[j]].Name = result[j];
    }

    /// <summary>x·Wᵀ + b: Gemm for a matrix input (PyTorch's own export), MatMul + Add for any other rank.</summary>
    private string Linear(string x, int rank, int weightId, string? bias)
    {
        string w = Value(weightId);
        if (rank == 2)
            return _g.Node("Gemm", bias is null ? new[] { x, w } : new[] { x, w, bias }, Int("transB", 1));
        var y = _g.Node("MatMul", new[] { x, _g.Node("Transpose", new[] { w }, Ints("perm", new long[] { 1, 0 })) });
        return bias is null ? y : _g.Node("Add", new[] { y, bias });
    }

    /// <summary>
    /// x[start:end] along <paramref name="axis"/>, each bound a constant, an offset from the end (the last step of a
    /// sequence), or a size of the batch/sequence form; the pairs are the two runs' values.
    /// </summary>
    private string Slice(string x, int axis, (int, int) start, (int, int) end, (int, int) size)
    {
        string Bound((int A, int B) v, bool isEnd)
        {
            if (isEnd && v.A == size.Item1 && v.B == size.Item2) return _g.Int64s(new[] { long.MaxValue });
            if (v.A == v.B) return _g.Int64s(new long[] { v.A });
            if (v.A - size.Item1 == v.B - size.Item2) return _g.Int64s(new long[] { v.A - size.Item1 });
            var sym = SymDim.Solve(v.A, v.B) ?? throw Unsupported($"a slice bound {v.A} / {v.B} is neither constant nor a batch/sequence size");
            return SymValue(sym);
        }
        return _g.Node("Slice", new[] { x, Bound(start, false), Bound(end, true), _g.Int64s(new long[] { axis }) });
    }

    private int SameInt(TracedOp a, TracedOp b, int i)
    {
        int v = Convert.ToInt32(a.Attributes[i]);
        if (v != Convert.ToInt32(b.Attributes[i])) throw Inconsistent($"{a.Op} gets a different argument for different input sizes");
        return v;
    }

    private bool SameBool(TracedOp a, TracedOp b, int i)
    {
        bool v = (bool)a.Attributes[i];
        if (v != (bool)b.Attributes[i]) throw Inconsistent($"{a.Op} gets a different argument for different input sizes");
        return v;
    }

    private float SameFloat(TracedOp a, TracedOp b, int i)
    {
        float v = (float)a.Attributes[i];
        if (!v.Equals((float)b.Attributes[i]))
            throw Inconsistent($"{a.Op} gets the number {v} for one input size and {(float)b.Attributes[i]} for another (a number computed from a size is frozen into the file)");
        return v;
    }

    private int[] SameInts(TracedOp a, TracedOp b, int i)
    {
        var v = (int[])a.Attributes[i];
        if (!v.AsSpan().SequenceEqual((int[])b.Attributes[i])) throw Inconsistent($"{a.Op} gets a different argument for different input sizes");
        return v;
    }
}
