#!/usr/bin/env python3
"""Forecasting acceptance run: synthetic series of each kind (weekly, monthly, yearly, with missing values, a wide file
of related monthly series, a long file with a series-id column) plus seattle-weather, each through `recur forecast`
with --predictions and --json; prints per case the model's MASE/RMSE against the best baseline, the 80 % interval
coverage and the mean pinball loss against the seasonal-naive-quantile baseline, recomputed from the predictions CSV.

    python3 tools/forecast_eval.py --recur "dotnet src/Recur.Cli/bin/Release/net10.0/Recur.Cli.dll" --out /tmp/fc-eval [--epochs 100]

Pure Python (no numpy), seeded: the same files every run. --gen-seed N writes another set of series (42 is the
set docs/FORECASTING.md reports; 1, 2, 3 are its robustness checks), --only/--skip pick cases by name, and
--extra "--seed=1 ..." passes options to every recur forecast run. --variants also counts the pinball wins with the
intervals reshaped (centred on the point, symmetric, 15 % narrower or wider): docs/FORECASTING.md, "Pinball against the
seasonal-naive-quantile baseline".
"""
import argparse, csv, json, math, os, random, subprocess, sys, datetime as dt

def month_add(d, k):
    m = d.month - 1 + k
    return dt.date(d.year + m // 12, m % 12 + 1, 1)

def ar_noise(rng, n, phi, sd):
    e, out = 0.0, []
    for _ in range(n):
        e = phi * e + rng.gauss(0, sd)
        out.append(e)
    return out

def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)

def make(out, seed=42):
    rng = random.Random(seed)
    cases = []
    # weekly: 8 years, yearly season (52), trend, AR noise
    n = 416; d0 = dt.date(2015, 1, 4); noise = ar_noise(rng, n, 0.6, 2.0)
    rows = [[(d0 + dt.timedelta(weeks=i)).isoformat(), round(100 + 0.05 * i + 12 * math.sin(2 * math.pi * i / 52.18) + noise[i], 3)] for i in range(n)]
    write(f"{out}/weekly.csv", ["date", "sales"], rows); cases.append(("weekly", "weekly.csv", ["--column", "sales"]))
    # monthly: 25 years, multiplicative season on a trend (log/boxcox territory)
    n = 300; noise = ar_noise(rng, n, 0.5, 0.03)
    rows = [[month_add(dt.date(1995, 1, 1), i).strftime("%Y-%m"), round(50 * math.exp(0.004 * i) * (1 + 0.25 * math.sin(2 * math.pi * i / 12)) * math.exp(noise[i]), 3)] for i in range(n)]
    write(f"{out}/monthly.csv", ["month", "passengers"], rows); cases.append(("monthly", "monthly.csv", ["--column", "passengers", "--date-column", "month", "--transform", "auto"]))
    # yearly: 90 years, damped trend + AR noise
    n = 90; noise = ar_noise(rng, n, 0.7, 1.5)
    rows = [[f"{1930 + i}-01-01", round(20 + 10 * (1 - math.exp(-i / 40)) * 3 + noise[i], 3)] for i in range(n)]
    write(f"{out}/yearly.csv", ["date", "output"], rows); cases.append(("yearly", "yearly.csv", ["--column", "output"]))
    # daily with missing cells and missing dates (gaps), weekly + yearly season
    n = 1100; d0 = dt.date(2018, 1, 1); noise = ar_noise(rng, n, 0.7, 1.0); rows = []
    for i in range(n):
        if rng.random() < 0.02: continue  # a missing date: a gap the loader inserts
        v = 30 + 8 * math.sin(2 * math.pi * i / 365.25) + 3 * (1 if (d0 + dt.timedelta(days=i)).weekday() < 5 else -2) + noise[i]
        rows.append([(d0 + dt.timedelta(days=i)).isoformat(), "" if rng.random() < 0.04 else round(v, 3)])
    write(f"{out}/missing.csv", ["date", "load"], rows); cases.append(("daily, missing", "missing.csv", ["--column", "load"]))
    # wide: 12 related monthly series (shared season and cycle, own level, amplitude and noise)
    n = 180; shared = ar_noise(rng, n, 0.8, 0.05); rows = []
    params = [(rng.uniform(50, 500), rng.uniform(0.1, 0.4), rng.uniform(0.01, 0.05), rng.uniform(-0.002, 0.006)) for _ in range(12)]
    noises = [ar_noise(rng, n, 0.3, p[2]) for p in params]
    for i in range(n):
        row = [month_add(dt.date(2005, 1, 1), i).isoformat()]
        for k, (level, amp, sd, g) in enumerate(params):
            row.append(round(level * math.exp(g * i + shared[i] + noises[k][i]) * (1 + amp * math.sin(2 * math.pi * (i + k % 3) / 12)), 3))
        rows.append(row)
    write(f"{out}/wide.csv", ["date"] + [f"store{k}" for k in range(12)], rows); cases.append(("wide (12 monthly)", "wide.csv", ["--column", "*"]))
    # long: 6 series with a series-id column, monthly, rows grouped by id
    rows = []
    for k in range(6):
        level, amp = rng.uniform(100, 300), rng.uniform(0.1, 0.3); noise = ar_noise(rng, 160, 0.5, 0.04)
        for i in range(160):
            rows.append([f"S{k}", month_add(dt.date(2008, 1, 1), i).isoformat(), round(level * math.exp(0.003 * i + noise[i]) * (1 + amp * math.cos(2 * math.pi * i / 12)), 3)])
    write(f"{out}/long.csv", ["symbol", "date", "value"], rows); cases.append(("long (6 ids)", "long.csv", ["--column", "value", "--series-id", "symbol"]))
    return cases

def pinball(tau, y, q): return max(tau * (y - q), (tau - 1) * (y - q))

# Reshaped intervals for --variants: each maps (point, q0.1, q0.5, q0.9) to new q0.1, q0.5, q0.9.
VARIANTS = {
    "centred": lambda p, lo, me, hi: (lo + p - me, p, hi + p - me),
    "symmetric": lambda p, lo, me, hi: (p - (hi - lo) / 2, p, p + (hi - lo) / 2),
    "narrower 15%": lambda p, lo, me, hi: (me - 0.85 * (me - lo), me, me + 0.85 * (hi - me)),
    "wider 15%": lambda p, lo, me, hi: (me - 1.15 * (me - lo), me, me + 1.15 * (hi - me)),
}

def check(pred_path):
    by = {}
    with open(pred_path) as f:
        r = csv.DictReader(f)
        levels = [c for c in r.fieldnames if c.startswith("q")]
        assert r.fieldnames[:6] == ["series", "origin", "step", "date", "actual", "point"], r.fieldnames
        for row in r:
            if row["actual"] == "": continue
            s = by.setdefault(row["series"], {"n": 0, "in": 0, "pin": 0.0, "abs": 0.0, "variants": {v: [0.0, 0] for v in VARIANTS}})
            y = float(row["actual"]); s["n"] += 1; s["abs"] += abs(float(row["point"]) - y)
            lo, hi = float(row["q0.1"]), float(row["q0.9"])
            s["in"] += lo <= y <= hi
            s["pin"] += sum(pinball(float(l[1:]), y, float(row[l])) for l in ("q0.1", "q0.5", "q0.9")) / 3
            for v, f in VARIANTS.items():
                a, b, c = f(float(row["point"]), lo, float(row["q0.5"]), hi)
                s["variants"][v][0] += (pinball(0.1, y, a) + pinball(0.5, y, b) + pinball(0.9, y, c)) / 3
                s["variants"][v][1] += a <= y <= c
    return by

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recur", default="dotnet src/Recur.Cli/bin/Release/net10.0/Recur.Cli.dll")
    ap.add_argument("--out", default="/tmp/fc-eval")
    ap.add_argument("--epochs", default="100")
    ap.add_argument("--seattle", default="../shared/data/seattle-weather.csv")
    ap.add_argument("--only", default=None)
    ap.add_argument("--skip", default=None, help="leave out the cases whose name contains this")
    ap.add_argument("--gen-seed", type=int, default=42, help="seed of the synthetic series (42: the files of docs/FORECASTING.md)")
    ap.add_argument("--extra", default="", help="extra recur forecast arguments for every case, space-separated")
    ap.add_argument("--variants", action="store_true", help="also count, per reshaping of the intervals (centred on the point, "
                    "symmetric about it, 15 %% narrower or wider), the series whose pinball beats the seasonal-naive-quantile baseline")
    a = ap.parse_args()
    tally = {v: [0, 0, 0] for v in ["as forecast", *VARIANTS]}  # wins, series, outside the coverage band
    os.makedirs(a.out, exist_ok=True)
    cases = make(a.out, a.gen_seed)
    cases.insert(0, ("seattle temp_max", os.path.abspath(a.seattle), ["--column", "temp_max", "--lookback", "60", "--horizon", "7", "--season", "365"]))
    print("| case | series | model MASE | best baseline (MASE) | model RMSE | best-RMSE baseline | 80% coverage | pinball model / SN-quantile | method |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, file, args in cases:
        if a.only and a.only not in name: continue
        if a.skip and a.skip in name: continue
        path = file if os.path.isabs(file) else f"{a.out}/{file}"
        stem = name.split()[0].strip(",")
        cmd = a.recur.split() + ["forecast", "--csv", path, *args, "--epochs", a.epochs, "--plot", f"{a.out}/{stem}.png",
                                 "--predictions", f"{a.out}/{stem}-predictions.csv", "--json", *a.extra.split()]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(f"| {name} | FAILED: {p.stderr.strip()[:200]} |"); continue
        j = json.loads(p.stdout.strip().splitlines()[-1])
        file_scores = check(f"{a.out}/{stem}-predictions.csv")
        for s in j["series"]:
            b = s["baselines"]; best = min(b, key=lambda k: b[k]["mase"]); best_rmse = min(b, key=lambda k: b[k]["rmse"])
            fs = file_scores[s["name"]]
            cov = fs["in"] / fs["n"]; pin = fs["pin"] / fs["n"]
            sn_pin = sum(x["seasonal_naive"] for x in s["pinball"]) / len(s["pinball"])
            band = (0.72, 0.88) if s["origins"] >= 100 else (0.65, 0.93)
            for v, (vp, vin) in [("as forecast", (fs["pin"], fs["in"])), *fs["variants"].items()]:
                tally[v][0] += vp / fs["n"] < sn_pin; tally[v][1] += 1; tally[v][2] += not band[0] <= vin / fs["n"] <= band[1]
            ok = "✓" if s["model"]["mase"] < b[best]["mase"] and s["model"]["rmse"] < b[best_rmse]["rmse"] else "✗"
            print(f"| {name} | {s['name']} | {s['model']['mase']:.3f} {ok} | {best} ({b[best]['mase']:.3f}) | {s['model']['rmse']:.3f} | {best_rmse} ({b[best_rmse]['rmse']:.3f}) | "
                  f"{cov:.1%} ({s['origins']} origins) | {pin:.3f} / {sn_pin:.3f} | {s['method']} |")
        if len(j["series"]) > 1:
            best_per = sum(min(x["baselines"][k]["mase"] for k in x["baselines"]) for x in j["series"]) / len(j["series"])
            covs = [file_scores[x["name"]]["in"] / file_scores[x["name"]]["n"] for x in j["series"]]
            pooled = sum(v["in"] for v in file_scores.values()) / sum(v["n"] for v in file_scores.values())
            wins = sum(1 for x in j["series"] if file_scores[x["name"]]["pin"] / file_scores[x["name"]]["n"] < sum(q["seasonal_naive"] for q in x["pinball"]) / len(x["pinball"]))
            print(f"| {name} | **mean** | {j['mean_mase']:.3f} | best per-series baseline {best_per:.3f} | | | "
                  f"{min(covs):.1%}–{max(covs):.1%} (all {pooled:.1%}) | lower on {wins} of {len(j['series'])} | |")
        sys.stdout.flush()
    if a.variants:
        for v, (wins, n, out) in tally.items():
            print(f"intervals {v}: pinball below the seasonal-naive-quantile baseline on {wins} of {n} series, {out} outside their coverage band")

if __name__ == "__main__":
    main()
