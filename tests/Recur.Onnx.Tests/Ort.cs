using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Recur.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU) and compares results with the spec's tolerance.</summary>
internal static class Ort
{
    /// <summary>A named input: float32 values or int64 indices, with a shape.</summary>
    public sealed record Value(string Name, float[]? Floats, long[]? Longs, int[] Shape)
    {
        public static Value Of(string name, Tensor t) => new(name, t.ToArray(), null, t.Shape);
        public static Value Of(string name, IndexTensor t) => new(name, null, t.Data, t.Shape);
    }

    public static Dictionary<string, (float[] Data, int[] Shape)> Run(byte[] model, params Value[] inputs)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var feeds = inputs.Select(v => v.Floats != null
            ? NamedOnnxValue.CreateFromTensor(v.Name, new DenseTensor<float>(v.Floats, v.Shape))
            : NamedOnnxValue.CreateFromTensor(v.Name, new DenseTensor<long>(v.Longs!, v.Shape))).ToList();
        using var results = session.Run(feeds);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray());
        });
    }

    /// <summary>Asserts equal shapes and max |Δ| ≤ 1e-5·max(1, |expected|) elementwise.</summary>
    public static void AssertClose(string what, float[] expected, int[] expectedShape, (float[] Data, int[] Shape) actual, double rel = 1e-5)
    {
        Assert.True(expectedShape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expectedShape)}]");
        Assert.Equal(expected.Length, actual.Data.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double excess = Math.Abs(expected[i] - actual.Data[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (!(excess <= worst)) { worst = excess; at = i; }
        }
        Assert.True(worst <= rel, $"{what}: element {at}: {actual.Data[Math.Max(at, 0)]} vs expected {expected[Math.Max(at, 0)]} (relative excess {worst:E2})");
    }
}
