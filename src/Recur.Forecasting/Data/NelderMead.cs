namespace Recur.Forecasting;

/// <summary>The Nelder-Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½).</summary>
public static class NelderMead
{
    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/> (initial simplex: each coordinate moved by 0.5) within <paramref name="maxEvaluations"/> evaluations.</summary>
    public static double[] Minimize(Func<double[], double> f, double[] start, int maxEvaluations)
    {
        int n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            points[i] = (double[])start.Clone();
            if (i > 0) points[i][i - 1] += 0.5;
            values[i] = f(points[i]);
        }
        int evaluations = n + 1;
        while (evaluations < maxEvaluations)
        {
            var order = Enumerable.Range(0, n + 1).OrderBy(i => values[i]).ToArray();
            points = [.. order.Select(i => points[i])];
            values = [.. order.Select(i => values[i])];
            if (Math.Abs(values[n] - values[0]) <= 1e-10 * (Math.Abs(values[0]) + 1e-20)) break;
            var centroid = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++) centroid[k] += points[i][k] / n;
            double[] Toward(double c) => [.. centroid.Select((x, k) => x + c * (points[n][k] - x))];
            var reflected = Toward(-1);
            double fr = f(reflected);
            evaluations++;
            if (fr < values[0])
            {
                var expanded = Toward(-2);
                double fe = f(expanded);
                evaluations++;
                (points[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1]) (points[n], values[n]) = (reflected, fr);
            else
            {
                var contracted = fr < values[n] ? Toward(-0.5) : Toward(0.5);
                double fc = f(contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[n])) (points[n], values[n]) = (contracted, fc);
                else
                {
                    for (int i = 1; i <= n; i++)
                    {
                        points[i] = [.. points[i].Select((x, k) => points[0][k] + 0.5 * (x - points[0][k]))];
                        values[i] = f(points[i]);
                    }
                    evaluations += n;
                }
            }
        }
        int best = Array.IndexOf(values, values.Min());
        return points[best];
    }
}
