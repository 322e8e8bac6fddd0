using Recur.Nn;
using Recur.Onnx;
using Recur.Text;

namespace Recur.Cli.Export;

/// <summary>
/// The char-LM as ONNX, for streaming sampling: int64 <c>input</c> [batch, seq] (character indices), <c>h0</c>/<c>c0</c>
/// [layers, batch, hidden] → <c>logits</c> [batch, seq, vocab], <c>h_n</c>/<c>c_n</c>. Feed h_n/c_n back as the next call's
/// h0/c0 to continue a text; the vocabulary (index → character, JSON) is in the model's metadata as <c>vocab</c>.
/// </summary>
internal static class CharLmOnnx
{
    public static OnnxSignature Signature(CharLm model)
    {
        var c = model.Config;
        return new OnnxSignature(
            [
                new OnnxInput("input", [OnnxDim.Batch, OnnxDim.Seq], IsIndices: true),
                new OnnxInput("h0", [c.NumLayers, OnnxDim.Batch, c.HiddenSize]),
                new OnnxInput("c0", [c.NumLayers, OnnxDim.Batch, c.HiddenSize]),
            ],
            ["logits", "h_n", "c_n"],
            v =>
            {
                var (logits, state) = model.Forward((IndexTensor)v[0], new RnnState((Tensor)v[1], (Tensor)v[2]));
                return [logits, state.H, state.C!];
            });
    }

    public static OnnxModelInfo Save(CharLmModel file, string path) =>
        OnnxExport.Save(file.Model, Signature(file.Model), path, new OnnxExportOptions
        {
            DocString = "Recur character language model: logits over the vocabulary for each input character; feed h_n/c_n back as h0/c0 to stream.",
            Metadata = new Dictionary<string, string> { ["format"] = CharLmFile.Format, ["vocab"] = file.Vocabulary.ToJson() },
        });
}
