"""Forecast benchmark: accuracy, calibration and speed of forecast_engine against baselines.

Panels: (a) the real contract register of data/lct2024 as monthly and quarterly demand per
catalog item (last 6 months / 2 quarters held out), plus two extra real views (monthly contract
value per item, monthly contract count per final KPGZ category); (b) a simulated panel of
10,000 series x 36 months with known distributions (12 more months held out).
Baselines in the same run: historic mean and seasonal naive (normal quantiles), and, when
statsforecast is installed (bench/requirements-statsforecast.txt, its own venv), AutoETS,
CrostonOptimized, CrostonSBA, TSB, ADIDA and IMAPA. Everything runs on one core.

Usage: python bench/bench_forecast.py [--quick]   (--quick: 2,000 simulated series)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "addons" / "purchase_forecast"))

from lct_panels import Panel, build_panels, holdout_split  # noqa: E402
from metrics import naive_scales, score  # noqa: E402
from simulate import simulate_panel  # noqa: E402

from forecast_engine import forecast_panel  # noqa: E402
from forecast_engine.panel import fit_panel  # noqa: E402

QS = (0.5, 0.9, 0.95)
Z = {0.5: 0.0, 0.9: 1.2815515655446004, 0.95: 1.6448536269514722}
SF_SAMPLE = 1000  # simulated series given to statsforecast (AutoETS takes ~40 ms a series)
# the real views are scored again with the last 1..EARLIER_ORIGINS hold-outs cut off
EARLIER_ORIGINS = 3
REAL_VIEWS = (
    ("monthly", 6, "Real: contracts per catalog item (СПГЗ) per month, last 6 months held out"),
    ("quarterly", 2, "Real: contracts per catalog item per quarter, last 2 quarters held out"),
    ("monthly_value", 6, "Real (extra): contract value per catalog item per month"),
    ("monthly_kpgz", 6, "Real (extra): contracts per KPGZ category per month"),
)


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def ours(train, h, m, with_cdf=True):
    start = time.perf_counter()
    fc = forecast_panel(train, h, season_length=m, quantiles=QS)
    seconds = time.perf_counter() - start
    out = {
        "mean": fc.mean,
        "per_q": fc.quantiles,
        "total_q": fc.total_quantiles,
        "seconds": seconds,
        "fc": fc,
    }
    return out


def total_cdf(train, test, h, m):
    """(F(a-), F(a)) of our simulated horizon totals at the actual totals (coverage with ties)."""
    fitted = fit_panel(train, h, m)
    total = test.sum(axis=1)
    below = np.zeros(len(total))
    upto = np.zeros(len(total))
    step = 500
    for s in range(0, len(total), step):
        rows = np.arange(s, min(len(total), s + step))
        sums = fitted.simulate(rows).sum(axis=1)
        a = total[rows, None]
        tol = 1e-9 * np.maximum(1, np.abs(a))
        below[rows] = (sums < a - tol).mean(axis=1)
        upto[rows] = (sums <= a + tol).mean(axis=1)
    return below, upto


def peak_memory_mb(func, *args) -> float:
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def normal_quantiles(mean, sigma, h):
    per = {q: np.maximum(mean + Z[q] * sigma[:, None], 0) for q in QS}
    tot = {q: np.maximum(mean.sum(axis=1) + Z[q] * sigma * np.sqrt(h), 0) for q in QS}
    return per, tot


def historic_mean(train, h, m):
    start = time.perf_counter()
    mu = np.nanmean(train, axis=1)
    sigma = np.nanstd(train, axis=1)
    mean = np.repeat(mu[:, None], h, axis=1)
    per, tot = normal_quantiles(mean, sigma, h)
    return {"mean": mean, "per_q": per, "total_q": tot, "seconds": time.perf_counter() - start}


def seasonal_naive(train, h, m):
    start = time.perf_counter()
    n, T = train.shape
    filled = train.copy()
    for t in range(1, T):  # unknown values: carry the last known one
        filled[:, t] = np.where(np.isnan(filled[:, t]), filled[:, t - 1], filled[:, t])
    filled = np.nan_to_num(filled)
    if T >= m:
        mean = filled[:, T - m + (np.arange(h) % m)]
        diffs = filled[:, m:] - filled[:, :-m] if T > m else np.zeros((n, 1))
    else:
        mean = np.repeat(filled[:, -1:], h, axis=1)
        diffs = np.diff(filled, axis=1) if T > 1 else np.zeros((n, 1))
    sigma = np.sqrt((diffs**2).mean(axis=1))
    per, tot = normal_quantiles(mean, sigma, h)
    return {"mean": mean, "per_q": per, "total_q": tot, "seconds": time.perf_counter() - start}


def statsforecast_models(m):
    try:
        from statsforecast import models as sfm
    except ImportError:
        return None
    return {
        "AutoETS": lambda: sfm.AutoETS(season_length=m),
        "CrostonOptimized": sfm.CrostonOptimized,
        "CrostonSBA": sfm.CrostonSBA,
        "TSB(0.1,0.1)": lambda: sfm.TSB(alpha_d=0.1, alpha_p=0.1),
        "TSB(0.2,0.2)": lambda: sfm.TSB(alpha_d=0.2, alpha_p=0.2),
        "ADIDA": sfm.ADIDA,
        "IMAPA": sfm.IMAPA,
    }


def run_statsforecast(train, h, m):
    """Each statsforecast model alone (one core), timed; AutoETS with its normal intervals.

    Series too short for a model (AutoETS refuses tiny ones) get statsforecast's fallback,
    the historic average.
    """
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import HistoricAverage

    factories = statsforecast_models(m)
    n, T = train.shape
    frames = []
    for i in range(n):
        row = train[i]
        first = int(np.argmax(~np.isnan(row)))
        y = row[first:]
        y = pd.Series(y).ffill().fillna(0.0).to_numpy()  # statsforecast needs no gaps
        frames.append(pd.DataFrame({"unique_id": i, "ds": np.arange(first, T), "y": y}))
    df = pd.concat(frames, ignore_index=True)
    results = {}
    warm = df[df.unique_id < 2]
    for name, factory in factories.items():
        model = factory()
        level = [80, 90] if name == "AutoETS" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sf = StatsForecast(
                models=[factory()], freq=1, n_jobs=1, fallback_model=HistoricAverage()
            )
            sf.forecast(h=h, df=warm, level=level)
            start = time.perf_counter()
            sf = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=HistoricAverage())
            out = sf.forecast(h=h, df=df, level=level)
            seconds = time.perf_counter() - start
        out = out.sort_values(["unique_id", "ds"])
        col = [c for c in out.columns if c not in ("unique_id", "ds") and "-lo-" not in c]
        mean = np.maximum(out[col[0]].to_numpy().reshape(n, h), 0)
        res = {"mean": mean, "seconds": seconds}
        if level:
            hi80 = np.maximum(out[f"{col[0]}-hi-80"].to_numpy().reshape(n, h), 0)
            hi90 = np.maximum(out[f"{col[0]}-hi-90"].to_numpy().reshape(n, h), 0)
            res["per_q"] = {0.5: mean, 0.9: hi80, 0.95: hi90}
            # per-period quantiles summed: what a user of per-period intervals would do
            res["total_q"] = {q: v.sum(axis=1) for q, v in res["per_q"].items()}
        results[name] = res
    return results


def fmt(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def table(title, rows, n_series, note=""):
    cols = ["RMSSE", "MASE", "SPL90", "SPL95", "cov90", "cov95", "tie90", "tie95", "ms/series"]
    print(f"\n#### {title} ({n_series} series){note}\n")
    print("| method | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, r in rows.items():
        cells = [fmt(r.get(c)) for c in cols[:-1]] + [fmt(r.get("ms"), 2)]
        print(f"| {name} | " + " | ".join(cells) + " |")


def evaluate(title, train, test, h, m, sf=True, sf_rows=None):
    """All methods on one panel; returns our RMSSE and the best statsforecast RMSSE."""
    mse_scale, _ = naive_scales(train)
    keep = mse_scale > 0
    train, test = train[keep], test[keep]
    rows = {}
    res = ours(train, h, m)
    r = score(train, test, res["mean"], res["per_q"], res["total_q"], total_cdf(train, test, h, m))
    r["ms"] = 1000 * res["seconds"] / len(train)
    rows["forecast_engine"] = r
    fc = res["fc"]
    for name, func in (("historic mean", historic_mean), ("seasonal naive", seasonal_naive)):
        b = func(train, h, m)
        r = score(train, test, b["mean"], b["per_q"], b["total_q"])
        r["ms"] = 1000 * b["seconds"] / len(train)
        rows[name] = r
    best = None
    sf_train, sf_test = train, test
    if sf and statsforecast_models(m) is not None:
        note = ""
        if sf_rows is not None and sf_rows < len(train):
            pick = np.random.default_rng(1).choice(len(train), sf_rows, replace=False)
            pick.sort()
            sf_train, sf_test = train[pick], test[pick]
            sub = ours(sf_train, h, m)
            r = score(sf_train, sf_test, sub["mean"], sub["per_q"], sub["total_q"])
            r["ms"] = 1000 * sub["seconds"] / len(sf_train)
            rows[f"forecast_engine (same {sf_rows})"] = r
            note = f"; statsforecast on a fixed sample of {sf_rows}"
        for name, b in run_statsforecast(sf_train, h, m).items():
            r = score(sf_train, sf_test, b["mean"], b.get("per_q"), b.get("total_q"))
            r["ms"] = 1000 * b["seconds"] / len(sf_train)
            rows[f"statsforecast {name}"] = r
            if best is None or r["RMSSE"] < best[1]:
                best = (name, r["RMSSE"])
        title += note
    table(title, rows, len(train))
    mix = {c: int((fc.demand_class == c).sum()) for c in np.unique(fc.demand_class)}
    chosen = {c: int((fc.method == c).sum()) for c in np.unique(fc.method)}
    print(f"\nclasses: {mix}\nmethods: {chosen}")
    ours_key = "forecast_engine" if sf_train is train else f"forecast_engine (same {sf_rows})"
    if best:
        gain = 1 - rows[ours_key]["RMSSE"] / best[1]
        verdict = f"{100 * gain:.1f}% better" if gain >= 0 else f"{-100 * gain:.1f}% worse"
        print(
            f"best statsforecast: {best[0]} RMSSE {best[1]:.4f}; ours {rows[ours_key]['RMSSE']:.4f}"
            f" ({verdict})"
        )
    return rows, best


def earlier_origins(panels, have_sf):
    """Each real view scored again from earlier forecast origins, against the best statsforecast.

    The last k hold-outs (k = 0..EARLIER_ORIGINS) are cut off and the one before them is held
    out: the same items and rules, other half-years. A margin that holds at one origin only
    could be luck of that half-year.
    """
    labels = panels["monthly"].periods
    cols = "| view | held out | series | ours RMSSE | best statsforecast | its RMSSE | gain |"
    print(f"\n#### Real views from earlier forecast origins\n\n{cols} tie90 | tie95 |")
    print("|---" * 9 + "|")
    for key, h, _ in REAL_VIEWS:
        p = panels[key]
        months = 3 if key == "quarterly" else 1
        gains, ties = [], []
        for k in range(EARLIER_ORIGINS + 1):
            end = p.Y.shape[1] - k * h
            n, r, best = score_origin(p, end, h, have_sf)
            gain = None if best[1] is None else 100 * (1 - r["RMSSE"] / best[1])
            if gain is not None:
                gains.append(gain)
            ties.append((r["tie90"], r["tie95"]))
            held = f"{labels[(end - h) * months]}..{labels[end * months - 1]}"
            cells = [key, held, str(n), fmt(r["RMSSE"]), best[0], fmt(best[1])]
            cells += ["-" if gain is None else f"{gain:+.1f}%", fmt(r["tie90"]), fmt(r["tie95"])]
            print("| " + " | ".join(cells) + " |")
        tie90, tie95 = np.mean(ties, axis=0)
        verdict = "mean"
        if gains:
            ahead = sum(g >= 0 for g in gains)
            verdict = f"ahead at {ahead} of {len(gains)} origins, mean gain {np.mean(gains):+.1f}%"
        print(f"| {key}: {verdict} | | | | | | | {tie90:.3f} | {tie95:.3f} |")


def score_origin(panel, end, h, have_sf):
    """(series scored, our scores, (best statsforecast method, its RMSSE)) for the ``h``
    periods before period ``end`` held out, the panel cut off there."""
    cut = Panel(panel.name, panel.items, panel.periods[:end], panel.Y[:, :end], panel.season_length)
    train, test, _ = holdout_split(cut, h)
    keep = naive_scales(train)[0] > 0
    train, test = train[keep], test[keep]
    m = panel.season_length
    res = ours(train, h, m)
    r = score(train, test, res["mean"], res["per_q"], res["total_q"], total_cdf(train, test, h, m))
    best = ("-", None)
    if have_sf:
        for name, b in run_statsforecast(train, h, m).items():
            rmsse = score(train, test, b["mean"])["RMSSE"]
            if best[1] is None or rmsse < best[1]:
                best = (name, rmsse)
    return len(train), r, best


def kpgz_panel():
    """Extra real view: monthly contract counts per final KPGZ category (a coarser item)."""
    import openpyxl
    from lct_panels import DATA, SHEET, Panel, _text

    wb = openpyxl.load_workbook(DATA, read_only=True, data_only=True)
    rows = wb[SHEET].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows)]
    ci, cc, cs, cd = (
        header.index(c)
        for c in (
            "Конечный код КПГЗ",
            "Реестровый номер в РК",
            "Статус контракта",
            "Дата заключения",
        )
    )
    seen, counts = set(), {}
    for row in rows:
        if all(_text(v) == "" for v in row) or _text(row[cs]) == "Расторгнут":
            continue
        key = (_text(row[ci]), _text(row[cc]))
        if not key[0] or not _text(row[cd]) or key in seen:
            continue
        seen.add(key)
        d, mth, y = (int(x) for x in _text(row[cd]).split("."))
        counts[(key[0], (y - 2018) * 12 + mth - 1)] = (
            counts.get((key[0], (y - 2018) * 12 + mth - 1), 0) + 1
        )
    items = sorted({k for k, _ in counts})
    Y = np.zeros((len(items), 60))
    pos = {k: i for i, k in enumerate(items)}
    for (k, t), c in counts.items():
        Y[pos[k], t] = c
    first = np.argmax(Y > 0, axis=1)
    Y[np.arange(60)[None, :] < first[:, None]] = np.nan
    return Panel("monthly_kpgz", items, [], Y, 12)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 simulated series")
    parser.add_argument("--real-only", action="store_true")
    args = parser.parse_args()
    one_core()
    have_sf = statsforecast_models(12) is not None
    print("## Forecast benchmark (one core)")
    print("statsforecast:", "installed" if have_sf else "not installed (baselines skipped)")
    panels = build_panels()
    panels["monthly_kpgz"] = kpgz_panel()
    for key, h, label in REAL_VIEWS:
        p = panels[key]
        train, test, _ = holdout_split(p, h)
        evaluate(label, train, test, h, p.season_length)
    earlier_origins(panels, have_sf)
    if args.real_only:
        return
    n = 2000 if args.quick else 10_000
    Y, kind = simulate_panel(n, 48, 12)
    train, test = Y[:, :36], np.nan_to_num(Y[:, 36:])
    # speed and memory of the full call, separately from the scoring runs (best of 3: the
    # machine is shared; CPU time is printed too, as other processes inflate wall time)
    forecast_panel(train[:20], 12, season_length=12, quantiles=QS)  # lazy imports
    runs = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        forecast_panel(train, 12, season_length=12, quantiles=QS)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    seconds, cpu = min(runs)
    peak = peak_memory_mb(forecast_panel, train, 12, 12, QS)
    print(
        f"\n#### Speed: forecast_panel on {n:,} simulated series x 36 months, horizon 12, "
        f"season 12, quantiles {QS}\n\n{seconds:.2f} s wall, {cpu:.2f} s CPU, one core "
        f"({1000 * seconds / n:.3f} ms per series), peak traced memory {peak:.0f} MB"
    )
    evaluate(
        f"Simulated: {n:,} series x 36 months, 12 held out",
        train,
        test,
        12,
        12,
        sf_rows=SF_SAMPLE,
    )


if __name__ == "__main__":
    main()
