using System.Globalization;
using Recur.Forecasting;
using Recur.Onnx;

namespace Recur.Cli.Export;

/// <summary>
/// The forecaster of <c>recur forecast --save</c> as ONNX, with its scaling inside the graph:
/// <list type="bullet">
/// <item><c>target</c> [batch, lookback]: the last lookback values of the model's column, in the series' units;</item>
/// <item><c>features</c> [batch, lookback, F] (only if the model has feature columns): those columns in their own units;</item>
/// <item><c>calendar</c> [batch, lookback, 2·cycles] (only if it uses calendar inputs): sin(2π·phase), cos(2π·phase) per cycle of
/// the row's date, in the model's cycle order (metadata <c>calendar</c>);</item>
/// <item>→ <c>forecast</c> [batch, horizon]: the next horizon values in the series' units.</item>
/// </list>
/// The graph standardises the target and features with the training scalers, forms the network's input (target relative to
/// its last value, features, calendar), adds the anchor (last value, or the seasonal-naive values from the window) and
/// undoes the target scaling — what <see cref="Forecaster.Forecast"/> does.
/// </summary>
internal static class ForecasterOnnx
{
    public static OnnxSignature Signature(Forecaster model)
    {
        var s = model.Spec;
        int L = s.Lookback, H = s.Horizon, F = s.Features.Length, C = 2 * s.Calendar.Length;
        if (s.Anchor == ForecastAnchor.Seasonal && s.Season > L)
            throw new ArgumentException($"the seasonal anchor reaches {s.Season} rows back, beyond the lookback of {L}");
        var inputs = new List<OnnxInput> { new("target", [OnnxDim.Batch, L]) };
        if (F > 0) inputs.Add(new OnnxInput("features", [OnnxDim.Batch, L, F]));
        if (C > 0) inputs.Add(new OnnxInput("calendar", [OnnxDim.Batch, L, C]));
        // Seasonal anchor for step h: the value (h / S + 1)·S rows before t + h, i.e. window column L + h − (h / S + 1)·S.
        var seasonal = Enumerable.Range(0, H).Select(h => L + h - (h / s.Season + 1) * s.Season).ToArray();
        return new OnnxSignature(inputs, ["forecast"], v =>
        {
            var target = (Tensor)v[0];                                                        // [N, L]
            var z = (target - (float)s.TargetScaler.Mean) * (float)(1 / s.TargetScaler.Std);   // scaled
            var last = z.Narrow(1, L - 1, 1);                                                  // [N, 1]
            var relative = z - last;                                                           // [N, L]
            var channels = new List<Tensor> { relative.Unsqueeze(2) };
            int at = 1;
            if (F > 0)
            {
                var mean = Tensor.FromArray(s.FeatureScalers.Select(f => (float)f.Mean).ToArray(), F);
                var invStd = Tensor.FromArray(s.FeatureScalers.Select(f => (float)(1 / f.Std)).ToArray(), F);
                channels.Add(((Tensor)v[at++] - mean) * invStd);
            }
            if (C > 0) channels.Add((Tensor)v[at]);
            var x = channels.Count == 1 ? channels[0] : Tensor.Cat(channels, 2);              // [N, L, input]
            var correction = model.Net.Forward(x, relative);                                   // [N, H]
            var anchor = s.Anchor == ForecastAnchor.Seasonal ? z.IndexSelect(1, seasonal) : last;
            var scaled = correction + anchor;
            return [scaled * (float)s.TargetScaler.Std + (float)s.TargetScaler.Mean];
        });
    }

    public static OnnxModelInfo Save(Forecaster model, string path)
    {
        var s = model.Spec;
        return OnnxExport.Save(model.Net, Signature(model), path, new OnnxExportOptions
        {
            DocString = $"Recur forecaster of '{s.Column}': the next {s.Horizon} values from the last {s.Lookback} rows, in the series' units.",
            Metadata = new Dictionary<string, string>
            {
                ["format"] = ModelFile.Format,
                ["column"] = s.Column,
                ["features"] = string.Join(",", s.Features),
                ["calendar"] = string.Join(",", s.Calendar),
                ["lookback"] = s.Lookback.ToString(CultureInfo.InvariantCulture),
                ["horizon"] = s.Horizon.ToString(CultureInfo.InvariantCulture),
            },
        });
    }
}
