namespace Recur.Forecasting;

/// <summary>
/// The chronological 70/10/20 split of a series of length n, and the forecast origins in each part.
/// </summary>
/// <remarks>
/// <para>Rule (reproduces the baselines in <c>data/README.md</c>):
/// train = [0, ⌊7n/10⌋), validation = [⌊7n/10⌋, ⌊7n/10⌋ + ⌊n/10⌋), test = the rest, so the test
/// part takes the rounding remainder. The floors are exact integer arithmetic; a floating-point
/// <c>int(0.7 * n)</c> differs by one for some n (e.g. n = 90 gives 62, not 63).
/// For seattle-weather (n = 1461) that is 1022 / 146 / 293; for seattle-temps (n = 8759),
/// 6131 / 875 / 1753.</para>
/// <para>An origin t forecasts y[t … t+H−1] from y[t−L … t−1] (L = lookback, H = horizon).
/// Origins of a part are the t with t ≥ L whose targets lie inside the part:
/// train t ∈ [L, trainEnd − H], validation t ∈ [max(L, trainEnd), validationEnd − H],
/// test t ∈ [max(L, validationEnd), n − H]. Inputs may reach back into earlier parts (never
/// forward), so training samples touch nothing but the training part, and validation targets
/// never touch the test part.</para>
/// </remarks>
public sealed record ForecastSplit
{
    /// <summary>Length n of the whole series.</summary>
    public int Length { get; }

    /// <summary>End (exclusive) of the training part = start of validation.</summary>
    public int TrainEnd { get; }

    /// <summary>End (exclusive) of the validation part = start of test.</summary>
    public int ValidationEnd { get; }

    /// <summary>Rows in the training part.</summary>
    public int TrainCount => TrainEnd;
    /// <summary>Rows in the validation part.</summary>
    public int ValidationCount => ValidationEnd - TrainEnd;
    /// <summary>Rows in the test part (it takes the rounding remainder).</summary>
    public int TestCount => Length - ValidationEnd;

    private ForecastSplit(int length, int trainEnd, int validationEnd)
    {
        Length = length;
        TrainEnd = trainEnd;
        ValidationEnd = validationEnd;
    }

    /// <summary>Splits a series of <paramref name="length"/> steps 70/10/20 by the rule above.</summary>
    public static ForecastSplit Chronological(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int train = (int)(length * 7L / 10);
        int validation = length / 10;
        return new ForecastSplit(length, train, train + validation);
    }

    /// <summary>Splits by fractions: train = ⌊train·n⌋, validation = ⌊validation·n⌋, test the rest.</summary>
    /// <exception cref="ArgumentException">Fractions that are not positive or sum to 1 or more.</exception>
    public static ForecastSplit FromFractions(int length, double train, double validation)
    {
        if (!(train > 0 && validation > 0 && train + validation < 1))
            throw new ArgumentException($"split fractions must be positive and sum below 1, got {train} and {validation}");
        if (train == 0.7 && validation == 0.1) return Chronological(length);
        int trainEnd = (int)Math.Floor(train * length);
        return new ForecastSplit(length, trainEnd, trainEnd + (int)Math.Floor(validation * length));
    }

    /// <summary>Splits at explicit boundaries: train [0, trainEnd), validation [trainEnd, validationEnd), test the rest.</summary>
    /// <exception cref="ArgumentException">Boundaries out of order or outside [0, length].</exception>
    public static ForecastSplit FromBoundaries(int length, int trainEnd, int validationEnd)
    {
        if (trainEnd < 0 || validationEnd < trainEnd || validationEnd > length)
            throw new ArgumentException($"split boundaries must satisfy 0 ≤ {trainEnd} ≤ {validationEnd} ≤ {length}");
        return new ForecastSplit(length, trainEnd, validationEnd);
    }

    /// <summary>Start (inclusive) and end (exclusive) of a part.</summary>
    public (int Start, int End) Range(SeriesPart part) => part switch
    {
        SeriesPart.Train => (0, TrainEnd),
        SeriesPart.Validation => (TrainEnd, ValidationEnd),
        SeriesPart.Test => (ValidationEnd, Length),
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>
    /// The forecast origins of <paramref name="part"/> in increasing order: every t in the part
    /// with t ≥ <paramref name="lookback"/> and t + <paramref name="horizon"/> ≤ the part's end.
    /// Empty when the part is too short.
    /// </summary>
    public int[] Origins(SeriesPart part, int lookback, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lookback);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        var (start, end) = Range(part);
        int first = Math.Max(start, lookback);
        int last = end - horizon;
        if (last < first)
            return [];
        var origins = new int[last - first + 1];
        for (int i = 0; i < origins.Length; i++)
            origins[i] = first + i;
        return origins;
    }
}
