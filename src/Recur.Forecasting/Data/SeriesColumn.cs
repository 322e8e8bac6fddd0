namespace Recur.Forecasting;

/// <summary>
/// One numeric column of a series, in file order, with its missing cells already filled.
/// </summary>
/// <param name="Name">The header name.</param>
/// <param name="Values">One value per row; no NaN remains.</param>
/// <param name="MissingFilled">How many cells were missing and filled by <see cref="MissingValues.FillLinear"/>.</param>
public sealed record SeriesColumn(string Name, double[] Values, int MissingFilled);
