"""Loads a `recur forecast --save` model into the equivalent PyTorch module and forecasts after a CSV's last row.

    /usr/bin/python3 tools/forecast_pytorch.py MODEL.safetensors FILE.csv

Prints the forecast as one JSON line, to compare with `recur predict --model MODEL --csv FILE --json`.
The module and the input recipe are those of docs/FORECASTING.md. Needs torch and numpy; uses
`safetensors.torch.load_file` when the safetensors package is installed, else reads the file itself
(8-byte header length, JSON header, little-endian F32 data).
"""
import csv
import datetime as dt
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


class Forecaster(nn.Module):
    def __init__(self, cell, input_size, hidden_size, num_layers, lookback, horizon):
        super().__init__()
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(input_size, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, horizon)
        self.highway = nn.Linear(lookback, horizon)

    def forward(self, x):  # x: [N, L, input_size] -> correction to the anchor [N, H], scaled units
        out, _ = self.rnn(x)
        return self.head(out[:, -1]) + self.highway(x[:, :, 0])


def read_safetensors(path):
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file
        with safe_open(path, "pt") as f:
            return load_file(path), f.metadata()
    except ImportError:
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(n))
            data = f.read()
        meta = header.pop("__metadata__", {})
        tensors = {}
        for name, e in header.items():
            begin, end = e["data_offsets"]
            assert e["dtype"] == "F32"
            tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], "<f4").copy().reshape(e["shape"]))
        return tensors, meta


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


def main(model_path, csv_path):
    state, meta = read_safetensors(model_path)
    model = Forecaster(meta["cell"], int(meta["input_size"]), int(meta["hidden_size"]),
                       int(meta["num_layers"]), int(meta["lookback"]), int(meta["horizon"]))
    model.load_state_dict(state)  # strict: every name and shape must match the module's state_dict()
    model.eval()

    rows = list(csv.DictReader(open(csv_path, newline="")))
    L, H, S = int(meta["lookback"]), int(meta["horizon"]), int(meta["season"])
    mean, std = float(meta["target_mean"]), float(meta["target_std"])
    z = (column(rows, meta["column"])[-L:] - mean) / std
    channels = [z - z[-1]]
    for f, m, s in zip(json.loads(meta["features"]), json.loads(meta["feature_means"]), json.loads(meta["feature_stds"])):
        channels.append((column(rows, f)[-L:] - m) / s)
    cycles = json.loads(meta["calendar"])
    if cycles:
        names = ("date", "time", "timestamp", "datetime", "date_time", "ds")  # else the first column, as recur does
        date_column = next((k for k in rows[0] if k.lower() in names), next(iter(rows[0])))
        dates = [parse_date(r[date_column].strip()) for r in rows[-L:]]
        for c in cycles:
            p = np.array([phase(c, d) for d in dates])
            channels += [np.sin(2 * np.pi * p), np.cos(2 * np.pi * p)]
    x = torch.tensor(np.stack(channels, -1), dtype=torch.float32)[None]
    with torch.no_grad():
        correction = model(x)[0].double().numpy()
    h = np.arange(H)
    anchor = np.full(H, z[-1]) if meta["anchor"] == "last" else z[L + h - (h // S + 1) * S]
    print(json.dumps({"column": meta["column"], "forecast": ((anchor + correction) * std + mean).tolist()}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
