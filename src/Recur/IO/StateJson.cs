using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Recur.IO;

/// <summary>
/// JSON for the small dictionaries of hyper-parameters and counters in a checkpoint's metadata. Values are
/// <see cref="double"/> (non-finite ones as the strings "Infinity", "-Infinity", "NaN"), <see cref="int"/>,
/// <see cref="bool"/>, <see cref="string"/>, <c>double[]</c> or <c>int[]</c>; reading is typed by a template
/// (the live object's own state) so a file cannot smuggle in a value of another type.
/// </summary>
internal static class StateJson
{
    public static void Write(Utf8JsonWriter w, IReadOnlyDictionary<string, object> values)
    {
        w.WriteStartObject();
        foreach (var (key, value) in values)
        {
            w.WritePropertyName(key);
            WriteValue(w, value);
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case int i: w.WriteNumberValue(i); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case double[] a:
                w.WriteStartArray();
                foreach (var d in a) WriteValue(w, d);
                w.WriteEndArray();
                break;
            case int[] a:
                w.WriteStartArray();
                foreach (var i in a) w.WriteNumberValue(i);
                w.WriteEndArray();
                break;
            default: throw new ArgumentException($"cannot write a {value?.GetType().Name ?? "null"} to checkpoint JSON");
        }
    }

    /// <summary>
    /// Reads <paramref name="obj"/>, each key typed as in <paramref name="template"/> (<paramref name="extraInts"/>
    /// names keys read as <c>int[]</c> though absent from it). Keys unknown to both are an error.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an object, an unknown key, or a value of the wrong type.</exception>
    public static Dictionary<string, object> Read(JsonElement obj, IReadOnlyDictionary<string, object> template, string where, string? extraInts = null)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where} is a JSON {obj.ValueKind}, not an object");
        var result = new Dictionary<string, object>();
        foreach (var p in obj.EnumerateObject())
        {
            object? like = p.Name == extraInts ? Array.Empty<int>() : template.GetValueOrDefault(p.Name);
            if (like is null) throw new InvalidDataException($"{where} has unknown key {Quote(p.Name)}");
            if (!result.TryAdd(p.Name, ReadValue(p.Value, like) ?? throw new InvalidDataException(
                    $"{where} key {Quote(p.Name)} is a JSON {p.Value.ValueKind}, expected {Describe(like)}")))
                throw new InvalidDataException($"{where} names {Quote(p.Name)} twice");
        }
        return result;
    }

    private static object? ReadValue(JsonElement e, object like)
    {
        switch (like)
        {
            case double:
                if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) && double.IsFinite(d)) return d;
                if (e.ValueKind == JsonValueKind.String)
                    return e.GetString() switch { "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, "NaN" => double.NaN, _ => null };
                return null;
            case int:
                return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i : null;
            case bool:
                return e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
            case string:
                return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            case double[]:
            {
                if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() > 16) return null;
                var list = new List<double>();
                foreach (var item in e.EnumerateArray())
                    if (ReadValue(item, 0.0) is double x) list.Add(x); else return null;
                return list.ToArray();
            }
            case int[]:
            {
                if (e.ValueKind != JsonValueKind.Array) return null;
                var list = new List<int>();
                foreach (var item in e.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int x)) list.Add(x); else return null;
                return list.ToArray();
            }
            default: return null;
        }
    }

    private static string Describe(object like) => like switch
    {
        double => "a number", int => "an integer", bool => "true or false", string => "a string",
        double[] => "an array of numbers", int[] => "an array of integers", _ => like.GetType().Name,
    };

    /// <summary>A value for an error message: quoted, on one line (control characters escaped), at most about 80 characters.</summary>
    public static string Quote(string s) => "'" + BoundedText.Quote(s) + "'"; // one line, bounded

    public static string ToJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
