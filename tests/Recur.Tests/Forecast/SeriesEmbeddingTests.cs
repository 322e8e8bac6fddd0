using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.Forecast;

/// <summary>The series embedding of a global model: indicator inputs, kept in the model file, used by predict.</summary>
public class SeriesEmbeddingTests
{
    private static SeriesSet Wide(int rows)
    {
        var csv = new System.Text.StringBuilder("date,a,b,c\n");
        for (int i = 0; i < rows; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{new DateTime(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{10 + 3 * Math.Sin(i * 0.52):0.###},{20 + 5 * Math.Sin(i * 0.52 + 1):0.###},{5 + Math.Cos(i * 0.7):0.###}\n");
        string path = Path.Combine(Path.GetTempPath(), $"recur-embedding-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv.ToString());
        try { return SeriesSet.Load(path, new CsvOptions { Columns = ["*"] }); }
        finally { File.Delete(path); }
    }

    private static readonly ForecastOptions Tiny = new() { Lookback = 12, Horizon = 3, Season = 12, Hidden = 4, Calendar = [], Training = new TrainingOptions { Epochs = 1 } };

    [Fact]
    public void AGlobalModelReadsOneIndicatorPerSeriesAndKeepsItInTheFile()
    {
        using var dir = new TempDirectory();
        var data = Wide(120);
        var fit = Forecaster.Fit(data, Tiny);
        var spec = fit.Model.Spec;
        Assert.True(spec.SeriesEmbedding);
        Assert.Equal(1 + 3, spec.InputSize);
        Assert.Equal([4, 4 * 3], fit.Model.Net.NamedParameters().First(p => p.Name == "rnn.weight_ih_l0").Parameter.Shape.AsSpan().ToArray().Reverse());

        // Channels: the indicator of its own series is 1, the others 0.
        var scaled = ScaledSeries.From(spec, spec.Series[1], data.Series[1].Filled(), [], data.Series[1].Dates);
        Assert.Equal([0.0, 1.0, 0.0], scaled.Channels.Select(c => c[5]));

        string path = Path.Combine(dir.Path, "m.safetensors");
        fit.Model.Save(path);
        var file = Safetensors.Load(path);
        Assert.Equal("true", file.Metadata["series_embedding"]);
        Assert.Contains("1 for series b, else 0 (series embedding)", file.Metadata["input_channels"]);
        var loaded = Forecaster.Load(path);
        Assert.True(loaded.Spec.SeriesEmbedding);
        var a = fit.Model.Predict(data);
        var b = loaded.Predict(data);
        Assert.Equal(a.Select(p => p.Values), b.Select(p => p.Values));

        // Off when asked, and never for one series.
        Assert.False(Forecaster.Fit(data, Tiny with { SeriesEmbedding = false }).Model.Spec.SeriesEmbedding);
        Assert.False(Forecaster.Fit(SeriesSet.FromValues("y", [.. data.Series[0].Filled()]), Tiny).Model.Spec.SeriesEmbedding);
    }
}
