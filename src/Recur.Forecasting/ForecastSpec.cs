
namespace Recur.Forecasting;

/// <summary>What a forecast's anchor is: the model predicts the correction to it.</summary>
public enum ForecastAnchor
{
    /// <summary>Persistence: ŷ[t+h] = y[t−1] + correction.</summary>
    Last,

    /// <summary>Seasonal naive: ŷ[t+h] = y[t+h−kS] + correction (only when the season fits in the lookback).</summary>
    Seasonal,
}

/// <summary>
/// Everything needed to turn rows of a CSV into a trained model's inputs and its outputs back into
/// forecasts: the network's size, the window, the scaling fitted on the training part, and the calendar.
/// It is the model file's metadata (<see cref="ModelFile"/>).
/// </summary>
public sealed record ForecastSpec
{
    /// <summary>The column forecast.</summary>
    public required string Column { get; init; }
    /// <summary>Exogenous feature columns, in channel order.</summary>
    public required string[] Features { get; init; }
    /// <summary>The encoder's cell: <c>rnn</c>, <c>lstm</c> or <c>gru</c>.</summary>
    public required string Cell { get; init; }
    /// <summary>The encoder's hidden size.</summary>
    public required int Hidden { get; init; }
    /// <summary>The encoder's number of layers.</summary>
    public required int Layers { get; init; }
    /// <summary>Input steps per forecast (L).</summary>
    public required int Lookback { get; init; }
    /// <summary>Steps forecast per origin (H).</summary>
    public required int Horizon { get; init; }
    /// <summary>Steps per season (S); 1 when there is none.</summary>
    public required int Season { get; init; }
    /// <summary>What the network's output corrects: the last value or the seasonal naive forecast.</summary>
    public required ForecastAnchor Anchor { get; init; }
    /// <summary>The target's scaling, fitted on the training part.</summary>
    public required StandardScaler TargetScaler { get; init; }
    /// <summary>Each feature's scaling, fitted on the training part, in <see cref="Features"/> order.</summary>
    public required StandardScaler[] FeatureScalers { get; init; }

    /// <summary>Calendar cycles fed as sin/cos channels (<see cref="CalendarFeatures.Cycles"/>); empty without dates.</summary>
    public required string[] Calendar { get; init; }

    /// <summary>The training file's median date step (zero when undated) and date format, to check a file given to predict.</summary>
    public required TimeSpan Step { get; init; }
    /// <summary>The training file's date format family (empty when undated).</summary>
    public required string DateFormat { get; init; }

    /// <summary>Values per input step: the target, each exogenous feature, and sin/cos per calendar cycle.</summary>
    public int InputSize => 1 + Features.Length + 2 * Calendar.Length;

    /// <summary>Rows a file needs for one forecast: the lookback (the seasonal anchor lies inside it).</summary>
    public int RowsNeeded => Lookback;
}
