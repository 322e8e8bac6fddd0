namespace Recur.Forecasting;

/// <summary>
/// One series on a regular time grid: its values (NaN where missing, including grid points inserted for date
/// gaps), its input columns, and its dates when the file has them.
/// </summary>
public sealed class TimeSeries
{
    /// <summary>The series' name: the column (wide files) or the series-id value (long files).</summary>
    public string Name { get; }

    /// <summary>One value per time step, oldest first; NaN where missing.</summary>
    public double[] Values { get; }

    /// <summary>Input columns (<see cref="SeriesSet.Features"/>, then <see cref="SeriesSet.KnownFuture"/>), each as long as <see cref="Values"/>; NaN where missing.</summary>
    public IReadOnlyList<double[]> Inputs { get; }

    /// <summary>One date per time step, or null when the file has no date column.</summary>
    public DateTime[]? Dates { get; }

    /// <summary>Time steps inserted because the dates skipped them (counted in <see cref="Missing"/> too).</summary>
    public int Inserted { get; }

    /// <summary>Number of time steps.</summary>
    public int Length => Values.Length;

    /// <summary>Missing values, inserted gaps included.</summary>
    public int Missing => Values.Count(double.IsNaN);

    /// <summary>A series from arrays (what <see cref="SeriesSet.Load"/> builds for each series of a file).</summary>
    /// <exception cref="ArgumentException">An input or the dates differ in length from the values.</exception>
    public TimeSeries(string name, double[] values, IReadOnlyList<double[]>? inputs = null, DateTime[]? dates = null, int inserted = 0)
    {
        inputs ??= [];
        foreach (var input in inputs)
            if (input.Length != values.Length)
                throw new ArgumentException($"series {Excerpt.Of(name)}: an input has {input.Length} values, the series {values.Length}");
        if (dates is not null && dates.Length != values.Length)
            throw new ArgumentException($"series {Excerpt.Of(name)}: {dates.Length} dates for {values.Length} values");
        Name = name;
        Values = values;
        Inputs = inputs;
        Dates = dates;
        Inserted = inserted;
    }

    /// <summary>The values with missing ones filled by linear interpolation (<see cref="MissingValues.FillLinear"/>).</summary>
    public double[] Filled()
    {
        var copy = (double[])Values.Clone();
        MissingValues.FillLinear(copy);
        return copy;
    }

    /// <summary>The first <paramref name="length"/> steps.</summary>
    public TimeSeries Take(int length) =>
        new(Name, Values[..length], [.. Inputs.Select(i => i[..length])], Dates?[..length], Inserted);
}
