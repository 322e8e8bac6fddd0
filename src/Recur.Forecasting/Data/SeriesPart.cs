namespace Recur.Forecasting;

/// <summary>The three chronological parts of a series under <see cref="ForecastSplit"/>.</summary>
public enum SeriesPart
{
    /// <summary>The first part: fitting the model and the scaler.</summary>
    Train,

    /// <summary>The middle part: early stopping and model choice.</summary>
    Validation,

    /// <summary>The last part: the reported errors.</summary>
    Test,
}
