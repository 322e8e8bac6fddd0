using System.Globalization;

namespace Recur.Nn;

/// <summary>Python-style spelling of values in module reprs.</summary>
internal static class Repr
{
    public static string Bool(bool b) => b ? "True" : "False";

    public static string Float(float f)
    {
        var s = f.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
