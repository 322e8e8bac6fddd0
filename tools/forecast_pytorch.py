"""Loads a `recur forecast --save` model into the equivalent PyTorch module and forecasts after a CSV's last row.

    /usr/bin/python3 tools/forecast_pytorch.py MODEL.safetensors FILE.csv

Prints the network's forecast as one JSON line, to compare with `recur predict --model MODEL --csv FILE --json`
when the model's first series uses the method `network` or `hybrid` (the hybrid's Holt-Winters anchor and its one-step
errors recomputed here as HoltWinters does) (format_version 2: one series, no known-future columns;
the calendar's future phases are read from dates extended by the model's step). A model with learned quantiles
(`--intervals learned`) also gets its quantile head (`quantile.weight`, `quantile.bias`, monotone as QuantileHeads
builds it) and prints its spread before recur's calibration; a model with the distribution head (`--intervals gaussian`:
`quantile` gives σ = softplus(·) + 1e-4 per step, quantiles point + σ·Φ⁻¹(τ), as GaussianHead builds them) likewise.
The module and the input recipe are those of docs/FORECASTING.md. Needs torch and numpy; uses
`safetensors.torch.load_file` when the safetensors package is installed, else reads the file itself
(8-byte header length, JSON header, little-endian F32 data).
"""
import csv
import datetime as dt
import json
import sys

import numpy as np
import torch
from torch import nn

from safetensors_io import read_safetensors


class Forecaster(nn.Module):
    def __init__(self, cell, input_size, hidden_size, num_layers, window, horizon, levels=(), gaussian=False):
        super().__init__()
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(input_size, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, horizon)
        self.highway = nn.Linear(window, horizon)
        self.levels = list(levels)
        self.gaussian = gaussian
        if self.levels:  # --intervals learned: Q·H raw outputs made monotone below; gaussian: H raw outputs, σ per step
            self.quantile = nn.Linear(hidden_size, (1 if gaussian else len(self.levels)) * horizon)

    def forward(self, x, window):  # x: [N, L, input_size], window: [N, W] -> correction to the anchor [N, H], scaled units
        out, _ = self.rnn(x)
        return self.head(out[:, -1]) + self.highway(window)

    def quantiles(self, x, window):  # -> [N, Q, H] corrections, increasing along Q (QuantileHeads.Monotone)
        out, _ = self.rnn(x)
        last = out[:, -1]
        point = self.head(last) + self.highway(window)
        if self.gaussian:  # GaussianHead.Quantiles: point + σ·Φ⁻¹(τ)
            sigma = nn.functional.softplus(self.quantile(last)) + 1e-4
            z = torch.special.ndtri(torch.tensor(self.levels, dtype=torch.float64)).float()
            return point[:, None] + sigma[:, None] * z[None, :, None]
        raw = self.quantile(last).view(last.shape[0], len(self.levels), -1)
        m = min(range(len(self.levels)), key=lambda k: abs(self.levels[k] - 0.5))
        q = [None] * len(self.levels)
        q[m] = point + raw[:, m]
        for k in range(m + 1, len(q)):
            q[k] = q[k - 1] + nn.functional.softplus(raw[:, k])
        for k in range(m - 1, -1, -1):
            q[k] = q[k + 1] - nn.functional.softplus(raw[:, k])
        return torch.stack(q, 1)


def phase(cycle, d):
    day = (d.hour * 3600 + d.minute * 60 + d.second) / 86400
    if cycle == "hour_of_day":
        return day
    if cycle == "day_of_week":  # Sunday = 0, as .NET's DayOfWeek
        return ((d.weekday() + 1) % 7 + day) / 7
    if cycle == "day_of_year":
        leap = d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)
        return (d.timetuple().tm_yday - 1 + day) / (366 if leap else 365)
    if cycle == "month_of_year":
        return (d.month - 1) / 12
    raise ValueError(cycle)


def parse_date(text):
    for f in ("%Y-%m-%d", "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, f)
        except ValueError:
            pass
    raise ValueError(f"unknown date format: {text}")


def column(rows, name):
    v = np.array([float(r[name]) if r[name].strip() not in ("", "NA", "NaN", "?", "null") else np.nan for r in rows])
    i = np.arange(len(v))
    return np.interp(i, i[~np.isnan(v)], v[~np.isnan(v)])  # gaps filled linearly, ends held


def add_steps(d, step, k):
    if step["unit"] == "Months":
        m = d.month - 1 + k * step["months"]
        return d.replace(year=d.year + m // 12, month=m % 12 + 1)
    if step["unit"] == "Duration":
        return d + dt.timedelta(seconds=k * step["seconds"])
    raise ValueError("business-day steps are not handled here")


def transform(series, v):
    if series["transform"] == "none":
        return v
    lam = series["lambda"]
    return np.log(v) if lam == 0 else (v ** lam - 1) / lam


def inverse(series, z):  # SeriesTransform.Inverse: beyond Box-Cox's range, the edge it lies beyond; capped at 1e30
    if series["transform"] == "none":
        return z
    lam = series["lambda"]
    if lam == 0:
        return np.exp(np.minimum(z, 700))
    b = lam * z + 1
    inside = np.minimum(np.maximum(b, 1e-300) ** (1 / lam), 1e30)
    return np.where(b > 0, inside, 0.0 if lam > 0 else 1e30)


def holt_winters(hw, y, H):
    """HoltWinters.Filter over y, then its forecast of the H steps after y's end and its one-step errors (0 before its start)."""
    m, a, beta, g, phi = hw["season"], hw["alpha"], hw["beta"], hw["gamma"], hw["phi"]
    n = len(y)
    start = m if m > 1 else 1
    level, trend, seasonal = np.zeros(n), np.zeros(n), np.zeros(n)
    if m > 1:
        first, second = y[:m].mean(), y[m:2 * m].mean()
        l, b = first, (second - first) / m
        seasonal[:m] = y[:m] - l
    else:
        l, b = y[0], y[1] - y[0]
    level[start - 1], trend[start - 1] = l, b
    errors = np.zeros(n)
    for t in range(start, n):
        s_prev = seasonal[t - m] if m > 1 else 0.0
        damped = l + phi * b
        errors[t] = y[t] - (damped + s_prev)
        l_new = a * (y[t] - s_prev) + (1 - a) * damped
        b = beta * (l_new - l) + (1 - beta) * phi * b
        if m > 1:
            seasonal[t] = g * (y[t] - damped) + (1 - g) * s_prev
        l = l_new
        level[t], trend[t] = l, b
    forecast, damping, power = np.zeros(H), 0.0, 1.0
    for h in range(H):
        power *= phi
        damping += power
        forecast[h] = level[n - 1] + damping * trend[n - 1] + (seasonal[n + h - m * (h // m + 1)] if m > 1 else 0.0)
    return forecast, errors


def main(model_path, csv_path):
    state, meta = read_safetensors(model_path)
    assert meta["format_version"] == "2", "this script reads format_version 2"
    hybrid = meta["anchor"] == "holt-winters"  # the hybrid: anchored on Holt-Winters, reading its one-step errors
    series = json.loads(meta["series"])[0]
    assert not json.loads(meta["known_future"]), "known-future columns are not handled here"
    L, H, S = int(meta["lookback"]), int(meta["horizon"]), int(meta["season"])
    cycles = json.loads(meta["calendar"])
    levels = json.loads(meta["quantiles"]) if meta.get("intervals") in ("learned", "gaussian") else []
    model = Forecaster(meta["cell"], int(meta["input_size"]), int(meta["hidden_size"]),
                       int(meta["num_layers"]), L + H * 2 * len(cycles), H, levels, meta.get("intervals") == "gaussian")
    model.load_state_dict(state)  # strict: every name and shape must match the module's state_dict()
    model.eval()

    rows = list(csv.DictReader(open(csv_path, newline="")))
    mean, std = series["scaler"]["mean"], series["scaler"]["std"]
    name = meta["value_column"] or series["name"]
    history = transform(series, column(rows, name))
    z = (history[-L:] - mean) / std
    if hybrid:
        smoothed, errors = holt_winters(series["holt_winters"], history, H)
        relative = errors[-L:] / std
    else:
        relative = z - z[-1]
    channels = [relative]
    for f, sc in zip(json.loads(meta["features"]), series["input_scalers"]):
        channels.append((column(rows, f)[-L:] - sc["mean"]) / sc["std"])
    future = []
    if cycles:
        names = ("date", "time", "timestamp", "datetime", "date_time", "ds")  # else the first column, as recur does
        date_column = next((k for k in rows[0] if k.lower() in names), next(iter(rows[0])))
        dates = [parse_date(r[date_column].strip()) for r in rows[-L:]]
        step = json.loads(meta["step"])
        ahead = [add_steps(dates[-1], step, k) for k in range(1, H + 1)]
        for c in cycles:
            p = np.array([phase(c, d) for d in dates])
            q = np.array([phase(c, d) for d in ahead])
            channels += [np.sin(2 * np.pi * p), np.cos(2 * np.pi * p)]
            future += [np.sin(2 * np.pi * q), np.cos(2 * np.pi * q)]
    x = torch.tensor(np.stack(channels, -1), dtype=torch.float32)[None]
    window = torch.tensor(np.concatenate([relative] + future), dtype=torch.float32)[None]
    with torch.no_grad():
        correction = model(x, window)[0].double().numpy()
    h = np.arange(H)
    anchor = (smoothed - mean) / std if hybrid else np.full(H, z[-1]) if meta["anchor"] == "last" else z[L + h - (h // S + 1) * S]
    result = {"column": name, "method": series["method"], "forecast": inverse(series, (anchor + correction) * std + mean).tolist()}
    if levels:
        # The head's quantiles before recur's calibration (quantile_scale and the rolling factor on recent residuals, which
        # need the history's residuals): the spread over the point in the series' scaled units, per level and step.
        with torch.no_grad():
            spread = (model.quantiles(x, window)[0] - model(x, window)[0][None]).double().numpy()
        result["learned_spread"] = {str(l): spread[k].tolist() for k, l in enumerate(levels)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:3])
