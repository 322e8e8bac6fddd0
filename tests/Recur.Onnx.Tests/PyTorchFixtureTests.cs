using System.Text.Json;
using Recur.Nn;

namespace Recur.Onnx.Tests;

/// <summary>
/// PyTorch-trained weights (tools/gen_onnx_cases.py) loaded into Recur's module with Module.Load and exported:
/// ONNX Runtime on Recur's file must give PyTorch's outputs, and the same as ONNX Runtime on torch.onnx.export's
/// file for the same weights (PyTorch can't export LSTM with proj_size; those cases compare with PyTorch only).
/// </summary>
public class PyTorchFixtureTests
{
    public static TheoryData<string> Cases => new()
    {
        "rnn_5_7", "rnn_relu_2l_bf", "lstm_2l_bi", "lstm_proj_bf", "lstm_proj_2l_bi", "gru_3l_nobias", "gru_bi_bf", "linear_8_3", "embedding_30_6",
    };

    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    private static (float[] Data, int[] Shape) Read(JsonElement e) =>
        (e.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray(), e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());

    /// <summary>The Recur module for PyTorch's repr, e.g. <c>LSTM(6, 10, batch_first=True, proj_size=3)</c>.</summary>
    private static Module Build(string repr)
    {
        if (repr.StartsWith("Linear(", StringComparison.Ordinal)) return new Linear(8, 3);
        if (repr.StartsWith("Embedding(", StringComparison.Ordinal)) return new Embedding(30, 6);
        return ModuleExportTests.Build(repr, new Generator(0));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RecurFileMatchesPyTorchAndTorchsOwnFile(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture(name + ".json")));
        var root = doc.RootElement;
        var model = Build(root.GetProperty("module").GetString()!);
        model.Load(Fixture(name + ".safetensors"));   // PyTorch's state_dict, strict
        var recurFile = OnnxExport.ToBytes(model);
        string? torchName = root.GetProperty("torch_onnx").GetString();
        if (torchName is null) Assert.Contains("projections", root.GetProperty("torch_onnx_error").GetString());
        var torchFile = torchName is null ? null : File.ReadAllBytes(Fixture(torchName));

        foreach (var run in root.GetProperty("runs").EnumerateArray())
        {
            var inputs = run.GetProperty("inputs").EnumerateObject().Select(p =>
            {
                var (data, shape) = Read(p.Value);
                return p.Value.GetProperty("dtype").GetString() == "int64"
                    ? new Ort.Value(p.Name, null, data.Select(v => (long)v).ToArray(), shape)
                    : new Ort.Value(p.Name, data, null, shape);
            }).ToArray();
            var ours = Ort.Run(recurFile, inputs);
            var theirs = torchFile is null ? null : Ort.Run(torchFile, inputs);
            foreach (var o in run.GetProperty("outputs").EnumerateObject())
            {
                var (expected, shape) = Read(o.Value);
                string at = $"{name} {o.Name} shape [{string.Join(", ", inputs[0].Shape)}]";
                Ort.AssertClose(at + " vs PyTorch", expected, shape, ours[o.Name]);
                if (theirs != null) Ort.AssertClose(at + " vs torch.onnx file", theirs[o.Name].Data, theirs[o.Name].Shape, ours[o.Name]);
            }
        }
    }
}
