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
/// <item><c>calendar_future</c> [batch, 2·cycles·horizon] (with calendar inputs): the same channels at the horizon's dates,
/// channel-major (channel c at step h is column c·horizon + h), which the highway reads;</item>
/// <item>→ <c>forecast</c> [batch, horizon]: the next horizon values in the series' units.</item>
/// </list>
/// The graph standardises the target and features with the training scalers, forms the network's input (target relative to
/// its last value, features, calendar), adds the anchor (last value, or the seasonal-naive values from the window) and
/// undoes the target scaling — what the network method of <see cref="Forecaster.ForecastSeries"/> does for the model's first
/// series. Models with known-future columns or a log/Box-Cox transform are not exported (an <see cref="ArgumentException"/>).
/// </summary>
internal static class ForecasterOnnx
{
    public static OnnxSignature Signature(Forecaster model)
    {
        var s = model.Spec;
        var state = s.Series[0];
        int L = s.Lookback, H = s.Horizon, F = s.Features.Length, C = 2 * s.Calendar.Length;
        if (s.Anchor == ForecastAnchor.Seasonal && s.Season > L)
            throw new ArgumentException($"the seasonal anchor reaches {s.Season} rows back, beyond the lookback of {L}");
        if (s.KnownFuture.Length > 0)
            throw new ArgumentException("models with known-future columns are not exported to ONNX yet");
        // The graph is the network: a model that forecasts with another method would export something recur predict never says.
        if (state.Method != "network")
            throw new ArgumentException($"this model forecasts '{state.Name}' with '{state.Method}' (chosen on validation), and the ONNX file holds the network only: refit with --method network to export it");
        if (state.Transform.Kind != "none")
            throw new ArgumentException($"models with a {state.Transform.Kind} transform are not exported to ONNX yet");
        var inputs = new List<OnnxInput> { new("target", [OnnxDim.Batch, L]) };
        if (F > 0) inputs.Add(new OnnxInput("features", [OnnxDim.Batch, L, F]));
        if (C > 0) inputs.Add(new OnnxInput("calendar", [OnnxDim.Batch, L, C]));
        if (C > 0) inputs.Add(new OnnxInput("calendar_future", [OnnxDim.Batch, C * H]));
        // Seasonal anchor for step h: the value (h / S + 1)·S rows before t + h, i.e. window column L + h − (h / S + 1)·S.
        var seasonal = Enumerable.Range(0, H).Select(h => L + h - (h / s.Season + 1) * s.Season).ToArray();
        return new OnnxSignature(inputs, ["forecast"], v =>
        {
            var target = (Tensor)v[0];                                                        // [N, L]
            var z = (target - (float)state.Scaler.Mean) * (float)(1 / state.Scaler.Std);   // scaled
            var last = z.Narrow(1, L - 1, 1);                                                  // [N, 1]
            var relative = z - last;                                                           // [N, L]
            var channels = new List<Tensor> { relative.Unsqueeze(2) };
            int at = 1;
            if (F > 0)
            {
                var mean = Tensor.FromArray(state.InputScalers.Select(f => (float)f.Mean).ToArray(), F);
                var invStd = Tensor.FromArray(state.InputScalers.Select(f => (float)(1 / f.Std)).ToArray(), F);
                channels.Add(((Tensor)v[at++] - mean) * invStd);
            }
            if (C > 0) channels.Add((Tensor)v[at]);
            var x = channels.Count == 1 ? channels[0] : Tensor.Cat(channels, 2);              // [N, L, input]
            var window = C > 0 ? Tensor.Cat([relative, (Tensor)v[at + 1]], 1) : relative;      // [N, L + C·H]
            var correction = model.Net.Forward(x, window);                                     // [N, H]
            var anchor = s.Anchor == ForecastAnchor.Seasonal ? z.IndexSelect(1, seasonal) : last;
            var scaled = correction + anchor;
            return [scaled * (float)state.Scaler.Std + (float)state.Scaler.Mean];
        });
    }

    public static OnnxModelInfo Save(Forecaster model, string path)
    {
        var s = model.Spec;
        return OnnxExport.Save(model.Net, Signature(model), path, new OnnxExportOptions
        {
            DocString = $"Recur forecaster of '{s.Series[0].Name}' (its network; the model chose '{s.Series[0].Method}'): the next {s.Horizon} values from the last {s.Lookback} rows, in the series' units.",
            Metadata = new Dictionary<string, string>
            {
                ["format"] = ModelFile.Format,
                ["column"] = s.Series[0].Name,
                ["method"] = s.Series[0].Method,
                ["features"] = string.Join(",", s.Features),
                ["calendar"] = string.Join(",", s.Calendar),
                ["lookback"] = s.Lookback.ToString(CultureInfo.InvariantCulture),
                ["horizon"] = s.Horizon.ToString(CultureInfo.InvariantCulture),
            },
        });
    }
}
