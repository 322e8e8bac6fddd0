using System.CommandLine;
using Recur.Cli.Export;
using Recur.Forecasting;
using Recur.IO;
using Recur.Onnx;
using Recur.Text;

namespace Recur.Cli.Commands;

/// <summary><c>recur export MODEL.safetensors [--out MODEL.onnx]</c>: a model the CLI saved, as an ONNX file.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "model file written by recur forecast --save or recur charlm train" };
        var output = new Option<string>("--out") { Description = "the ONNX file to write (default: the model's path with the extension .onnx)" };
        var cmd = new Command("export", "Write a saved model as an ONNX file (IR 8, opset 17) for ONNX Runtime")
        {
            model, output,
        };
        cmd.SetAction(r => Cli.Guard(() => Run(r.GetValue(model)!, r.GetValue(output) ?? DefaultOut(r.GetValue(model)!))));
        return cmd;
    }

    /// <summary>The model's path with the extension .onnx; a model already named .onnx needs --out (it would be overwritten).</summary>
    internal static string DefaultOut(string modelPath)
    {
        string onnx = Path.ChangeExtension(modelPath, ".onnx");
        if (string.Equals(Path.GetFullPath(onnx), Path.GetFullPath(modelPath), StringComparison.Ordinal))
            throw new ArgumentException($"{modelPath} already ends in .onnx; name the ONNX file to write with --out");
        return onnx;
    }

    internal static OnnxModelInfo Export(string modelPath, string outPath)
    {
        OutputPath.Check(outPath, "--out");
        var format = Safetensors.Load(modelPath).Metadata.GetValueOrDefault("format");
        return format switch
        {
            ModelFile.Format => ForecasterOnnx.Save(ModelFile.Load(modelPath), outPath),
            CharLmFile.Format => CharLmOnnx.Save(CharLmFile.Load(modelPath), outPath),
            _ => throw new InvalidDataException(
                $"{modelPath}: metadata 'format' is {(format is null ? "missing" : $"'{(format.Length > 80 ? format[..77] + "..." : format)}'")}; " +
                $"recur export reads '{ModelFile.Format}' (recur forecast --save) and '{CharLmFile.Format}' (recur charlm) models"),
        };
    }

    private static int Run(string modelPath, string outPath)
    {
        OnnxModelInfo info;
        try
        {
            info = Export(modelPath, outPath);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
        Console.WriteLine($"recur export: {modelPath} → {outPath} (ONNX IR {info.IrVersion}, opset {info.OpsetVersion})");
        int width = info.Inputs.Concat(info.Outputs).Max(v => v.ToString().Length);
        foreach (var v in info.Inputs) Console.WriteLine($"  input   {v.ToString().PadRight(width)}  {v.Description}".TrimEnd());
        foreach (var v in info.Outputs) Console.WriteLine($"  output  {v.ToString().PadRight(width)}  {v.Description}".TrimEnd());
        return 0;
    }
}
