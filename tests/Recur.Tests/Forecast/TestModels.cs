using Recur.Forecasting;

namespace Recur.Tests.Forecast;

/// <summary>Small specs and fitted models for the forecasting tests.</summary>
public static class TestModels
{
    /// <summary>A series state with identity transform and scaling unless given.</summary>
    public static SeriesState State(string name = "y", int inputs = 0, int levels = 0, int horizon = 1, StandardScaler? scaler = null, string method = "network") => new()
    {
        Name = name,
        Transform = SeriesTransform.None,
        Scaler = scaler ?? new StandardScaler(0, 1),
        InputScalers = [.. Enumerable.Range(0, inputs).Select(_ => new StandardScaler(0, 1))],
        TrainMean = 0,
        HoltWinters = new HoltWinters(1, 0.5, 0.1, 0, 0.9),
        Method = method,
        Offsets = [.. Enumerable.Range(0, levels).Select(_ => new double[horizon])],
    };

    /// <summary>Fits a tiny model on the daily synthetic file at <paramref name="csv"/>.</summary>
    public static ForecastResult Fit(string csv, ForecastOptions? options = null) =>
        Forecaster.Fit(SeriesSet.Load(csv, new CsvOptions { Columns = ["y"] }),
            options ?? new ForecastOptions { Lookback = 10, Horizon = 2, Season = 7, Hidden = 4, Training = new TrainingOptions { Epochs = 1 } });
}
