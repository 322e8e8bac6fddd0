#!/usr/bin/env python3
"""How much a yearly case of tools/forecast_eval.py leaves to win: the MASE of the forecast that knows the generator's
process (its damped trend plus the AR(0.7) noise decaying from the last observed value, E[y_{t+h} | y_t]) on the same
test rows, next to the model's. Reads the eval's yearly predictions file; the scale (the training part's in-sample
naive MAE) is taken from the model's own MASE and MAE, recomputed from that file. Also prints the Theta method's
score (SES with half the training part's OLS slope as drift, Hyndman & Billah 2003; α by least squares on the
training part), the method that won the M3 competition's yearly series, as a candidate that was weighed.

    python3 tools/forecast_eval.py --out /tmp/fy42 --gen-seed 42 --only yearly
    python3 tools/yearly_oracle.py --out /tmp/fy42 --gen-seed 42 --model-mase 1.215
"""
import argparse, csv, math, os, random, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forecast_eval import ar_noise

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--gen-seed", type=int, default=42)
ap.add_argument("--model-mase", type=float, required=True, help="the model's test MASE as forecast_eval printed it")
a = ap.parse_args()
rng = random.Random(a.gen_seed)
ar_noise(rng, 416, 0.6, 2.0); ar_noise(rng, 300, 0.5, 0.03)  # the weekly and monthly series are drawn first
n, phi = 90, 0.7
noise = ar_noise(rng, n, phi, 1.5)
trend = [20 + 10 * (1 - math.exp(-i / 40)) * 3 for i in range(n)]
y = [round(trend[i] + noise[i], 3) for i in range(n)]
train = int(0.7 * n)  # recur forecast's default --split 0.7,0.1
mean_t, mean_y = (train - 1) / 2, sum(y[:train]) / train
slope = sum((t - mean_t) * (v - mean_y) for t, v in enumerate(y[:train])) / sum((t - mean_t) ** 2 for t in range(train))

def ses_level(alpha, upto):
    level = y[0]
    for t in range(1, upto): level = alpha * y[t] + (1 - alpha) * level
    return level

def ses_sse(alpha):
    level, sse = y[0], 0.0
    for t in range(1, train): sse += (y[t] - level) ** 2; level = alpha * y[t] + (1 - alpha) * level
    return sse

alpha = min((i / 100 for i in range(1, 100)), key=ses_sse)
model = oracle = theta = 0.0
for r in csv.DictReader(open(f"{a.out}/yearly-predictions.csv")):
    o, h = int(r["origin"]), int(r["step"]); t = o + h - 1; actual = float(r["actual"])
    assert abs(actual - y[t]) < 1e-6, "the predictions file is not from this generator seed"
    model += abs(float(r["point"]) - actual)
    oracle += abs(trend[t] + phi ** h * (y[o - 1] - trend[o - 1]) - actual)
    theta += abs(ses_level(alpha, o) + slope / 2 * (h - 1 + 1 / alpha) - actual)
print(f"gen-seed {a.gen_seed}: model MASE {a.model_mase:.3f}, process-knowing forecast MASE {a.model_mase * oracle / model:.3f}, "
      f"Theta MASE {a.model_mase * theta / model:.3f} (alpha {alpha:.2f})")
