using System.Diagnostics;
using Recur.Nn;

namespace Recur.Onnx.Tests;

/// <summary>
/// Every kind of exported file passes <c>onnx.checker.check_model(full_check=True)</c> of Debian's python3-onnx 1.12
/// (tools/check_onnx.py; tools/install-pytorch.sh installs it), which refuses IR versions above 8.
/// </summary>
public class CheckerTests
{
    [Fact]
    public void ExportedFilesPassOnnxChecker()
    {
        var dir = Directory.CreateTempSubdirectory("recur-onnx-check").FullName;
        try
        {
            var files = new List<string>();
            void Save(string name, Module m, OnnxExportOptions? o = null)
            {
                var path = Path.Combine(dir, name + ".onnx");
                OnnxExport.Save(m, path, o);
                files.Add(path);
            }
            foreach (string spec in ModuleExportTests.Specs)
                Save(new string(spec.Where(char.IsLetterOrDigit).ToArray()), ModuleExportTests.Build(spec, new Generator(1)));
            Save("linear", new Linear(8, 3));
            Save("linear3d", new Linear(8, 3), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq, 8 } });
            Save("embedding", new Embedding(30, 6));
            Save("sequential", new Sequential(new Linear(8, 16), new Tanh(), new Dropout(0.3f), new Linear(16, 3)));
            Save("masked", new TracingTests.Masked(), new OnnxExportOptions { InputShape = new OnnxDim[] { 3, 4 } });
            Save("stateless", new TracingTests.Stateless(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Seq, 3 } });
            Save("mixer", new TracingTests.Mixer(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Seq, OnnxDim.Batch, 3 } });
            var vocab = Recur.Text.CharVocabulary.FromText("abc def");
            var lmPath = Path.Combine(dir, "charlm.safetensors");
            Recur.Text.CharLmFile.Save(lmPath, new Recur.Text.CharLm(new Recur.Text.CharLmConfig(vocab.Count, 4, 6, 2)), vocab);
            files.Add(Path.Combine(dir, "charlm.onnx"));
            Recur.Cli.Commands.ExportCommand.Export(lmPath, files[^1]);
            var fcPath = Path.Combine(dir, "forecast.safetensors");
            // Every method (Holt-Winters with and without a season), transform and input kind in one file.
            var global = new ForecasterExportTests.Setup(
                ["ensemble", "holt-winters", "drift", "network", "network+holt-winters", "seasonal naive", "mean", "persistence"],
                [.. Enumerable.Range(0, 8).Select(i => new[] { Recur.Forecasting.SeriesTransform.None, Recur.Forecasting.SeriesTransform.Log, new Recur.Forecasting.SeriesTransform("boxcox", 0.5) }[i % 3])],
                Features: 2, Known: 1, Calendar: 2, Cell: "lstm", Anchor: Recur.Forecasting.ForecastAnchor.Seasonal, HwSeasons: [7, 1, 7, 7, 1, 7, 7, 7], Calibration: 6, Embedding: true);
            Recur.Forecasting.ModelFile.Save(fcPath, ForecasterExportTests.Build(global));
            files.Add(Path.Combine(dir, "forecast.onnx"));
            Recur.Cli.Commands.ExportCommand.Export(fcPath, files[^1]);
            Recur.Forecasting.ModelFile.Save(fcPath, ForecasterExportTests.Build(new ForecasterExportTests.Setup(["network"], [Recur.Forecasting.SeriesTransform.None])));
            files.Add(Path.Combine(dir, "forecast-network.onnx"));
            Recur.Cli.Commands.ExportCommand.Export(fcPath, files[^1]);
            Recur.Forecasting.ModelFile.Save(fcPath, ForecasterExportTests.Build(new ForecasterExportTests.Setup(["hybrid", "hybrid"],
                [Recur.Forecasting.SeriesTransform.None, Recur.Forecasting.SeriesTransform.Log], Anchor: Recur.Forecasting.ForecastAnchor.HoltWinters, HwSeasons: [7, 1])));
            files.Add(Path.Combine(dir, "forecast-hybrid.onnx"));
            Recur.Cli.Commands.ExportCommand.Export(fcPath, files[^1]);
            Save("traced", new TracingTests.Tagger(), new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq }, OpsetVersion = 13 });

            string tool = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../tools/check_onnx.py"));
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(tool);
            foreach (var f in files) psi.ArgumentList.Add(f);
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"onnx.checker (exit {p.ExitCode}; python3-onnx missing? run tools/install-pytorch.sh):\n{stdout}\n{stderr}");
            Assert.Equal(files.Count, stdout.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
