#!/usr/bin/env python3
"""What-if for docs/FORECASTING.md ("Pinball against the seasonal-naive-quantile baseline"): the model's quantiles
averaged with the seasonal-naive-quantile baseline's, q = (1 − w)·q_model + w·q_baseline, scored from the files that
tools/forecast_eval.py leaves in its --out folders (the generated CSVs and each case's --predictions file).

    python3 tools/forecast_quantile_mix.py /tmp/fc-eval-42 /tmp/fc-eval-1 ...

The baseline is recomputed as recur computes it (seasonal naive plus, per step, the linearly interpolated empirical
quantile of its residuals over the training part's origins; 70/10 integer split). The daily file with date gaps is left
out (recur regularises its rows first). Prints, per weight, the series whose mean pinball over q0.1/0.5/0.9 beats the
baseline and those whose [q0.1, q0.9] coverage leaves the band (72–88 %, or 65–93 % under 100 origins).
"""
import collections, csv, sys

CASES = {"weekly": ("weekly.csv", "sales", 52, None), "monthly": ("monthly.csv", "passengers", 12, None),
         "yearly": ("yearly.csv", "output", 1, None), "wide": ("wide.csv", None, 12, None), "long": ("long.csv", "value", 12, "symbol")}
LEVELS = (0.1, 0.5, 0.9)
WEIGHTS = (0.0, 0.25, 0.5)


def pinball(t, y, q):
    return max(t * (y - q), (t - 1) * (y - q))


def quantile(s, level):
    pos = level * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def series_of(path, column, id_column):
    rows = list(csv.DictReader(open(path)))
    if id_column:
        out = {}
        for r in rows:
            out.setdefault(r[id_column], []).append(float(r[column]))
        return out
    if column:
        return {column: [float(r[column]) for r in rows]}
    return {k: [float(r[k]) for r in rows] for k in rows[0] if k != "date"}


def main(folders):
    wins, outside, total = collections.Counter(), collections.Counter(), 0
    for folder in folders:
        for case, (file, column, S, id_column) in CASES.items():
            predictions = collections.defaultdict(list)
            for r in csv.DictReader(open(f"{folder}/{case}-predictions.csv")):
                predictions[r["series"]].append(r)
            for name, y in series_of(f"{folder}/{file}", column, id_column).items():
                rows = predictions[name]
                H = max(int(r["step"]) for r in rows)
                train_end = len(y) * 7 // 10
                residuals = [sorted(y[t + h] - y[t + h - (h // S + 1) * S] for t in range(S, train_end - H + 1)) for h in range(H)]
                score, inside, base, n = collections.Counter(), collections.Counter(), 0.0, 0
                for r in rows:
                    if r["actual"] == "":
                        continue
                    t, h, a = int(r["origin"]), int(r["step"]) - 1, float(r["actual"])
                    sn = y[t + h - (h // S + 1) * S]
                    b = [sn + quantile(residuals[h], l) for l in LEVELS]
                    m = [float(r[f"q{l}"]) for l in LEVELS]
                    base += sum(pinball(l, a, q) for l, q in zip(LEVELS, b)) / 3
                    for w in WEIGHTS:
                        q = [(1 - w) * mq + w * bq for mq, bq in zip(m, b)]
                        score[w] += sum(pinball(l, a, v) for l, v in zip(LEVELS, q)) / 3
                        inside[w] += q[0] <= a <= q[2]
                    n += 1
                origins = len({r["origin"] for r in rows})
                lo, hi = (0.72, 0.88) if origins >= 100 else (0.65, 0.93)
                for w in WEIGHTS:
                    wins[w] += score[w] < base
                    outside[w] += not lo <= inside[w] / n <= hi
                total += 1
    for w in WEIGHTS:
        print(f"w {w}: pinball below the baseline on {wins[w]} of {total} series, {outside[w]} outside their coverage band")


if __name__ == "__main__":
    main(sys.argv[1:])
