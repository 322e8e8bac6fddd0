using Recur.Nn;

namespace Recur.Onnx.Tests;

/// <summary><see cref="OnnxGraph"/>: hand-written nodes around a traced module, a Scan body, and its errors.</summary>
public class OnnxGraphTests
{
    [Fact]
    public void ATracedModuleInsideWrittenNodesRunsInOnnxRuntime()
    {
        var net = new Linear(4, 3, rng: new Generator(5));
        var g = new OnnxGraph();
        string x = g.Input("x", OnnxElementType.Float32, "batch", "4");
        // float64 around the module: (net(x) as double)·2 + 1, then a running sum over the three outputs by a Scan.
        string y = g.Trace(net, new OnnxSignature([new OnnxInput("x", [OnnxDim.Batch, 4])], ["y"], v => [net.Forward((Tensor)v[0])]), [x])[0];
        string doubled = g.Node("Add", [g.Node("Mul", [g.Node("Cast", [y], OnnxAttribute.CastTo(OnnxElementType.Float64)), g.Constant([2.0])]), g.Constant([1.0])]);
        var body = g.Subgraph("running_sum");
        string sum = body.Input("sum", OnnxElementType.Float64), step = body.Input("step", OnnxElementType.Float64);
        string next = body.Node("Add", [sum, step]);
        body.Output("sum_out", next, OnnxElementType.Float64);
        body.Output("sum_t", next, OnnxElementType.Float64);
        string zeros = g.Node("ReduceSum", [g.Node("Mul", [doubled, g.Constant([0.0])]), g.Constant([1L], 1)], OnnxAttribute.Int("keepdims", 0));   // [batch]
        var scan = g.Node("Scan", [zeros, doubled], 2, OnnxAttribute.Graph("body", body), OnnxAttribute.Int("num_scan_inputs", 1),
            OnnxAttribute.Ints("scan_input_axes", 1), OnnxAttribute.Ints("scan_output_axes", 1));
        g.Output("running", scan[1], OnnxElementType.Float64, "batch", "3");
        g.Describe("running", "cumulative sums of 2·net(x) + 1");
        var bytes = g.ToBytes(out var info);
        Assert.Equal(["x: float32[batch, 4]"], info.Inputs.Select(i => i.ToString()));
        Assert.Equal("running: float64[batch, 3]", info.Outputs.Single().ToString());
        Assert.Equal("cumulative sums of 2·net(x) + 1", info.Outputs.Single().Description);

        var input = Tensor.Randn(new Generator(6), 2, 4);
        var want = net.Forward(input).ToArray();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("x", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input.ToArray(), [2, 4]))]);
        var got = results.Single().AsTensor<double>().ToArray();
        for (int r = 0; r < 2; r++)
        {
            double acc = 0;
            for (int c = 0; c < 3; c++)
            {
                acc += (double)want[r * 3 + c] * 2 + 1;
                Assert.True(Math.Abs(got[r * 3 + c] - acc) <= 1e-5 * Math.Max(1, Math.Abs(acc)), $"({r}, {c}): {got[r * 3 + c]} vs {acc}");
            }
        }
    }

    [Fact]
    public void MisuseIsAClearError()
    {
        var g = new OnnxGraph();
        g.Input("x", OnnxElementType.Float32, "batch");
        Assert.Contains("'x' is used twice", Assert.Throws<ArgumentException>(() => g.Input("x", OnnxElementType.Float32)).Message);
        Assert.Throws<ArgumentException>(() => g.Input(" ", OnnxElementType.Float32));
        Assert.Contains("no output", Assert.Throws<InvalidOperationException>(() => g.ToBytes(out _)).Message);
        Assert.Contains("no input or output 'y'", Assert.Throws<ArgumentException>(() => g.Describe("y", "?")).Message);
        var body = g.Subgraph("body");
        Assert.Throws<InvalidOperationException>(() => body.ToBytes(out _));
        g.Output("y", "x", OnnxElementType.Float32, "batch");
        Assert.Throws<ArgumentException>(() => g.ToBytes(out _, new OnnxExportOptions { OpsetVersion = 18 }));
    }
}
