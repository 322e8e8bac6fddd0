using System.Globalization;
using System.Numerics;
using System.Text;

namespace Recur;

/// <summary>
/// PyTorch 1.13's tensor repr (<c>torch/_tensor_str.py</c>, default print options): 4 decimals, integer mode
/// (<c>1., 2.</c>) when every value is whole, scientific notation when the magnitudes span more than 1000× or leave
/// [1e-4, 1e8], right-aligned columns, 80-character lines, and past 1000 elements a summary of the first and last
/// 3 items of every dimension. Numbers are rounded like Python's <c>format</c>: from the exact binary value, ties to even.
/// </summary>
internal static class TensorFormat
{
    private const int Precision = 4, Threshold = 1000, EdgeItems = 3, LineWidth = 80;

    /// <summary>The repr of a float32 tensor (<paramref name="values"/> row-major) with its autograd suffix.</summary>
    public static string Float(ReadOnlySpan<float> values, int[] shape, string? gradFn, bool requiresGrad)
    {
        var v = new double[values.Length];
        for (int i = 0; i < v.Length; i++) v[i] = values[i];
        var suffixes = new List<string>();
        if (v.Length == 0 && shape.Length != 1) suffixes.Add("size=" + PyTuple(shape));
        if (gradFn != null) suffixes.Add($"grad_fn=<{gradFn}>");
        else if (requiresGrad) suffixes.Add("requires_grad=True");
        return Repr(shape, v.Length == 0 ? null : new FloatFormatter(Summarized(v, shape)), v, suffixes);
    }

    /// <summary>The repr of an int64 tensor.</summary>
    public static string Int64(long[] values, int[] shape)
    {
        var suffixes = new List<string>();
        if (values.Length == 0)
        {
            if (shape.Length != 1) suffixes.Add("size=" + PyTuple(shape));
            suffixes.Add("dtype=torch.int64");
        }
        var v = values.Select(x => (double)x).ToArray();
        var formatter = new IntFormatter(Summarized(values, shape));
        return Repr(shape, values.Length == 0 ? null : formatter, v, suffixes, i => values[i]);
    }

    private static string Repr(int[] shape, Formatter? formatter, double[] v, List<string> suffixes, Func<int, long>? ints = null)
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        string body;
        if (formatter is null) body = "[]";
        else
        {
            bool summarize = v.Length > Threshold;
            var strides = new int[shape.Length];
            for (int d = shape.Length - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
            Func<int, string> element = ints is null ? i => formatter.Format(v[i]) : i => ((IntFormatter)formatter).Format(ints(i));
            body = Body(shape, strides, 0, 0, indent, summarize, formatter.Width, element);
        }
        return AddSuffixes(prefix + body, suffixes, indent);
    }

    // _tensor_str_with_formatter: the nested brackets, one level per dimension.
    private static string Body(int[] shape, int[] strides, int d, int flat, int indent, bool summarize, int width, Func<int, string> element)
    {
        int rank = shape.Length - d;
        if (rank == 0) return element(flat);
        int n = shape[d];
        bool cut = summarize && n > 2 * EdgeItems;
        var items = new List<string>();
        if (rank == 1)
        {
            for (int i = 0; i < n; i++)
            {
                if (cut && i == EdgeItems) { items.Add(" ..."); i = n - EdgeItems; }
                items.Add(element(flat + i * strides[d]));
            }
            int perLine = Math.Max(1, (LineWidth - indent) / (width + 2));
            var lines = items.Chunk(perLine).Select(line => string.Join(", ", line));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        for (int i = 0; i < n; i++)
        {
            if (cut && i == EdgeItems) { items.Add("..."); i = n - EdgeItems; }
            items.Add(Body(shape, strides, d + 1, flat + i * strides[d], indent + 1, summarize, width, element));
        }
        return "[" + string.Join("," + new string('\n', rank - 1) + new string(' ', indent + 1), items) + "]";
    }

    // _add_suffixes: ", suffix" on the last line unless it would pass the line width.
    private static string AddSuffixes(string s, List<string> suffixes, int indent)
    {
        var sb = new StringBuilder(s);
        int lastLineLength = s.Length - s.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    private static string PyTuple(int[] shape) => shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>get_summarized_data: the values the column width is computed from (only the edge items of a summarised tensor).</summary>
    private static List<T> Summarized<T>(T[] values, int[] shape)
    {
        var picked = new List<T>();
        if (values.Length == 0) return picked;
        bool summarize = values.Length > Threshold;
        var strides = new int[shape.Length];
        for (int d = shape.Length - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        void Walk(int d, int flat)
        {
            if (d == shape.Length) { picked.Add(values[flat]); return; }
            int n = shape[d];
            for (int i = 0; i < n; i++)
            {
                if (summarize && n > 2 * EdgeItems && i == EdgeItems) i = n - EdgeItems;
                Walk(d + 1, flat + i * strides[d]);
            }
        }
        Walk(0, 0);
        return picked;
    }

    private abstract class Formatter
    {
        public int Width { get; protected set; } = 1;
        public abstract string Format(double value);
    }

    // _Formatter for int64: every value as an integer, right-aligned to the widest.
    private sealed class IntFormatter : Formatter
    {
        public IntFormatter(List<long> values)
        {
            foreach (var v in values) Width = Math.Max(Width, v.ToString(CultureInfo.InvariantCulture).Length);
        }

        public override string Format(double value) => Format((long)value);

        public string Format(long value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(Width);
    }

    // _Formatter for floating point: int mode, scientific mode or fixed 4 decimals, decided from the non-zero finite values.
    private sealed class FloatFormatter : Formatter
    {
        private readonly bool _intMode = true, _sciMode;

        public FloatFormatter(List<double> values)
        {
            var nz = values.Where(v => double.IsFinite(v) && v != 0).ToList();
            if (nz.Count == 0) return;
            double min = nz.Min(Math.Abs), max = nz.Max(Math.Abs);
            _intMode = nz.All(v => v == Math.Ceiling(v));
            _sciMode = max / min > 1000.0 || max > 1.0e8 || !_intMode && min < 1.0e-4;
            foreach (var v in nz)
                Width = Math.Max(Width, _sciMode ? Sci(v, Precision).Length : _intMode ? Fixed(v, 0).Length + 1 : Fixed(v, Precision).Length);
        }

        public override string Format(double value)
        {
            string s;
            if (_sciMode) s = Sci(value, Precision);
            else if (_intMode) s = Fixed(value, 0) + (double.IsFinite(value) ? "." : "");
            else s = Fixed(value, Precision);
            return s.PadLeft(Width);
        }
    }

    // ---- Python's '{:.Nf}' and '{:.Ne}' ---------------------------------------------------------------

    /// <summary>|v| exactly as digits·10^−scale (a double is m·2^e, and 2^−k = 5^k·10^−k).</summary>
    private static (BigInteger Digits, int Scale) Exact(double a)
    {
        long bits = BitConverter.DoubleToInt64Bits(a) & long.MaxValue;
        int exp = (int)(bits >> 52);
        long mant = bits & ((1L << 52) - 1);
        if (exp == 0) exp = 1; else mant |= 1L << 52;
        exp -= 1075; // a = mant · 2^exp
        if (exp >= 0) return (new BigInteger(mant) << exp, 0);
        return (new BigInteger(mant) * BigInteger.Pow(5, -exp), -exp);
    }

    /// <summary>n / 10^k rounded half to even.</summary>
    private static BigInteger RoundDiv(BigInteger n, int k)
    {
        if (k <= 0) return n * BigInteger.Pow(10, -k);
        var div = BigInteger.Pow(10, k);
        var q = BigInteger.DivRem(n, div, out var r);
        int c = (r * 2).CompareTo(div);
        return c > 0 || c == 0 && !q.IsEven ? q + 1 : q;
    }

    private static string NonFinite(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    /// <summary>Python's <c>'{:.pf}'.format(v)</c>.</summary>
    internal static string Fixed(double v, int p)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        var (n, scale) = Exact(v);
        var q = RoundDiv(n, scale - p).ToString(CultureInfo.InvariantCulture).PadLeft(p + 1, '0');
        var s = p == 0 ? q : q[..^p] + "." + q[^p..];
        return (double.IsNegative(v) ? "-" : "") + s;
    }

    /// <summary>Python's <c>'{:.pe}'.format(v)</c>: one digit, p decimals, an exponent of at least two digits.</summary>
    internal static string Sci(double v, int p)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        var (n, scale) = Exact(v);
        string digits;
        int e;
        if (n.IsZero) { digits = new string('0', p + 1); e = 0; }
        else
        {
            int len = n.ToString(CultureInfo.InvariantCulture).Length;
            e = len - 1 - scale;
            var q = RoundDiv(n, len - (p + 1));
            digits = q.ToString(CultureInfo.InvariantCulture);
            if (digits.Length > p + 1) { digits = digits[..(p + 1)]; e++; } // 9.99995 → 1.0000e+01
        }
        var mantissa = p == 0 ? digits : digits[0] + "." + digits[1..];
        return (double.IsNegative(v) ? "-" : "") + mantissa + "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString("00", CultureInfo.InvariantCulture);
    }
}
