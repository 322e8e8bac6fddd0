namespace Recur.Tests.Data;

/// <summary>Paths of the CSV files copied next to the test assembly.</summary>
public static class DataFiles
{
    /// <summary>Real NOAA data from the repository's <c>data/</c> folder.</summary>
    public static string Real(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    /// <summary>A hand-written case from <c>tests/Recur.Tests/Data/Fixtures</c>.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    public static string SeattleWeather => Real("seattle-weather.csv");
    public static string SeattleTemps => Real("seattle-temps.csv");
}
