#!/usr/bin/env python3
"""Two interval kinds side by side over the eval tool's runs: the rows of docs/FORECASTING.md's tables "The choice of the
default" and "Distribution head against pinball heads", recomputed from the --predictions files (coverage, pinball) and
the eval tool's printed tables (the seasonal-naive-quantile baseline's pinball, MASE/RMSE against the best baselines).

    for s in 42 1 2 3; do for m in learned gaussian; do
      python3 tools/forecast_eval.py --out /tmp/fcg-$m-$s --epochs 100 --gen-seed $s --extra="--intervals=$m" > /tmp/fcg-$m-$s.md
    done; done
    python3 tools/forecast_compare.py --runs /tmp/fcg-MODE-SEED --a learned --b gaussian

MODE and SEED in --runs are replaced per run; the table of a run is read from the same path with .md appended. Seattle
(the same file under every seed) is counted once in the series rows, and under every seed in the single-series row.
"""
import argparse, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forecast_eval import check  # noqa: E402


def rows(md):
    """(case stem, series) -> (sn pinball, origins, point beats best baselines) from an eval tool table."""
    out = {}
    for line in open(md):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 9 or cells[0] in ("case", "---") or cells[1] == "**mean**":
            continue
        stem = cells[0].split()[0].strip(",")
        origins = int(cells[6].split("(")[1].split()[0])
        out[(stem, cells[1])] = (float(cells[7].split("/")[1]), origins, "✓" in cells[2])
    return out


def series(pattern, mode, seeds):
    """Per series over the seeds (seattle once): coverage, pinball, sn pinball, in band, point wins (single-series files)."""
    result = {}
    for seed in seeds:
        run = pattern.replace("MODE", mode).replace("SEED", str(seed))
        table = rows(run + ".md")
        files = {}
        for (stem, name), (sn, origins, beats) in table.items():
            if stem not in files:
                files[stem] = check(f"{run}/{stem}-predictions.csv")
            s = files[stem][name]
            cov, pin = s["in"] / s["n"], s["pin"] / s["n"]
            lo, hi = (0.72, 0.88) if origins >= 100 else (0.65, 0.93)
            single = sum(1 for k in table if k[0] == stem) == 1
            result[(seed, stem, name)] = dict(cov=cov, pin=pin, sn=sn, band=lo <= cov <= hi, beats=beats if single else None)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True, help="path of each run's --out folder with MODE and SEED in it")
    ap.add_argument("--a", default="learned")
    ap.add_argument("--b", default="gaussian")
    ap.add_argument("--seeds", default="42,1,2,3")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    A, B = series(a.runs, a.a, seeds), series(a.runs, a.b, seeds)
    keys = [k for k in A if k[1] != "seattle" or k[0] == seeds[0]]
    n = len(keys)

    def stat(d, f):
        return [f(d[k]) for k in keys]

    def mean(v):
        return sum(v) / len(v)

    def sd(v):
        m = mean(v)
        return math.sqrt(sum((x - m) ** 2 for x in v) / len(v))

    near = [k for k in keys if abs(A[k]["pin"] - A[k]["sn"]) < 5e-4 or abs(B[k]["pin"] - B[k]["sn"]) < 5e-4]
    a_wins = sum(A[k]["pin"] < B[k]["pin"] for k in keys)
    b_wins = sum(B[k]["pin"] < A[k]["pin"] for k in keys)
    ratio = math.exp(mean([math.log(B[k]["pin"] / A[k]["pin"]) for k in keys]))
    single = [k for k in A if A[k]["beats"] is not None]
    print(f"{n} series ({', '.join(str(s) for s in seeds)}; seattle once)\n")
    print(f"| | {a.a} | {a.b} |\n|---|---|---|")
    print(f"| series whose 80 % coverage lies in its band | {sum(stat(A, lambda s: s['band']))} | {sum(stat(B, lambda s: s['band']))} |")
    print(f"| mean \\|coverage − 80 %\\| | {100 * mean(stat(A, lambda s: abs(s['cov'] - 0.8))):.2f} points | "
          f"{100 * mean(stat(B, lambda s: abs(s['cov'] - 0.8))):.2f} points |")
    print(f"| mean coverage (standard deviation over series) | {100 * mean(stat(A, lambda s: s['cov'])):.1f} % ({100 * sd(stat(A, lambda s: s['cov'])):.1f}) | "
          f"{100 * mean(stat(B, lambda s: s['cov'])):.1f} % ({100 * sd(stat(B, lambda s: s['cov'])):.1f}) |")
    print(f"| mean pinball below the other's ({n - a_wins - b_wins} ties) | {a_wins} | {b_wins} |")
    print(f"| geometric mean of pinball, {a.b} / {a.a} | | {ratio:.3f} |")
    print(f"| mean pinball below the seasonal-naive-quantile baseline | {sum(stat(A, lambda s: s['pin'] < s['sn']))} | {sum(stat(B, lambda s: s['pin'] < s['sn']))} |")
    print(f"| point forecast beats the best baseline (MASE and RMSE), single series | {sum(A[k]['beats'] for k in single)} of {len(single)} | "
          f"{sum(B[k]['beats'] for k in single)} of {len(single)} |")
    if near:
        print(f"\nwithin 5e-4 of the baseline's printed pinball (rounded to 3 decimals): {near}")
    print(f"\nper file: series where {a.b}'s pinball is lower, geometric mean of pinball {a.b} / {a.a}, coverage range {a.a} → {a.b}")
    for seed, stem in dict.fromkeys((k[0], k[1]) for k in keys):
        ks = [k for k in keys if k[:2] == (seed, stem)]
        g = math.exp(mean([math.log(B[k]["pin"] / A[k]["pin"]) for k in ks]))
        span = lambda d: f"{100 * min(d[k]['cov'] for k in ks):.1f}" + ("" if len(ks) == 1 else f"–{100 * max(d[k]['cov'] for k in ks):.1f}")
        print(f"  {seed:>2} {stem:<8} {sum(B[k]['pin'] < A[k]['pin'] for k in ks):>2} of {len(ks):<2}  {g:.3f}   {span(A)} → {span(B)} %")
    print(f"\nper series ({a.a} → {a.b}): coverage, pinball, SN-quantile pinball")
    for k in keys:
        print(f"  {k[0]:>2} {k[1]:<8} {k[2]:<9} {100 * A[k]['cov']:5.1f} → {100 * B[k]['cov']:5.1f} %   "
              f"{A[k]['pin']:.4f} → {B[k]['pin']:.4f}   {A[k]['sn']:.3f}")


if __name__ == "__main__":
    main()
