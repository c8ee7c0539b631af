"""Forecast benchmark: accuracy, calibration and speed of forecast_engine on every panel we have.

Panels, side by side in one run:

- the six public panels of data/panels (spare parts: ``auto``, ``raf``; the M1 and Tourism
  competitions, monthly and quarterly), each with its own holdout and season length;
- the real contract register of data/lct2024 as monthly and quarterly demand per catalog item
  (last 6 months / 2 quarters held out), contract value per item per month, and contract counts
  per KPGZ category per month;
- a simulated panel of 10,000 series x 36 months with known distributions (12 months held out).

Yardsticks in the same run, when statsforecast is installed (bench/requirements-statsforecast.txt,
its own venv): AutoETS, SESOpt, Naive, the historic mean, Croston, SBA, TSB, ADIDA and IMAPA on
every panel, plus AutoTheta and seasonal naive on the smooth panels; AutoETS and AutoTheta get the
panel's season when the training part holds two seasons, else none. Their forecasts are cached
in .bench-cache/ (keyed by the training data), so iterating on the engine reruns only the engine.
Everything runs on one core.

Usage: python bench/bench_forecast.py [--panels auto,m1_quarterly,...] [--sample 300]
       [--lopo] [--docs]      (--docs writes the tables into docs/forecast-engine.md)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "addons" / "purchase_forecast"))

import public_panels  # noqa: E402
from docs_block import machine, write_block  # noqa: E402
from lct_panels import Panel, build_panels, holdout_split  # noqa: E402
from metrics import naive_scales, score  # noqa: E402
from simulate import simulate_panel  # noqa: E402

from forecast_engine import forecast_panel  # noqa: E402
from forecast_engine import panel as engine_panel  # noqa: E402

QS = (0.5, 0.9, 0.95)
CACHE = ROOT / ".bench-cache"
DOC = ROOT / "docs" / "forecast-engine.md"
README = ROOT / "README.md"
SIM_SERIES = 10_000
SIM_SAMPLE = 1000
# the real views are scored again with the last 1..EARLIER_ORIGINS hold-outs cut off
EARLIER_ORIGINS = 3
REAL_VIEWS = (
    ("monthly", 6, "Real: contracts per catalog item (СПГЗ) per month, last 6 months held out"),
    ("quarterly", 2, "Real: contracts per catalog item per quarter, last 2 quarters held out"),
    ("monthly_value", 6, "Real (extra): contract value per catalog item per month"),
    ("monthly_kpgz", 6, "Real (extra): contracts per KPGZ category per month"),
)
PUBLIC = tuple(public_panels.names())
# the README's summary is written only by a full run over these panels
SUMMARY_KEYS = set(PUBLIC) | {"monthly", "quarterly", "monthly_value", "monthly_kpgz"}
CASES: list = []
ALL_PANELS = PUBLIC + tuple(k for k, _, _ in REAL_VIEWS) + ("simulated",)

LINES: list[str] = []


def out(text: str = "") -> None:
    """Print a line of the report and keep it for docs/forecast-engine.md."""
    print(text, flush=True)
    LINES.append(text)


@dataclass
class Case:
    """One panel to score: training part, holdout and season."""

    key: str
    label: str
    train: np.ndarray
    test: np.ndarray
    h: int
    m: int
    kind: str  # yardsticks: public_smooth / public_intermittent / register
    group: str  # public / register / simulated


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _scorable(train, test, sample, seed=1):
    """Series with a non-zero naive scale; a fixed random sample of them when asked."""
    keep = naive_scales(train)[0] > 0
    train, test = train[keep], np.nan_to_num(test[keep])
    if sample and sample < len(train):
        pick = np.sort(np.random.default_rng(seed).choice(len(train), sample, replace=False))
        train, test = train[pick], test[pick]
    return train, test


def load_cases(keys, sample) -> list[Case]:
    cases = []
    register = None
    for key in keys:
        if key in PUBLIC:
            p = public_panels.load(key)
            train, test = _scorable(p.train, p.test, sample)
            label = f"{key}: {p.source}, holdout {p.holdout}, season {p.season_length}"
            kind = "public_intermittent" if p.intermittent else "public_smooth"
            cases.append(Case(key, label, train, test, p.holdout, p.season_length, kind, "public"))
        elif key == "simulated":
            Y, _ = simulate_panel(SIM_SERIES, 48, 12)
            # AutoETS takes 20-150 ms a series: a fixed sample of the 10,000 (all of them are
            # forecast in the speed run)
            train, test = _scorable(Y[:, :36], Y[:, 36:], min(sample or SIM_SAMPLE, SIM_SAMPLE))
            label = (
                f"simulated: a fixed sample of {len(train)} of {SIM_SERIES:,} series x 36 months,"
                " 12 held out"
            )
            cases.append(Case(key, label, train, test, 12, 12, "public_intermittent", "simulated"))
        else:
            if register is None:
                register = build_panels()
                register["monthly_kpgz"] = kpgz_panel()
            h, label = next((h, label) for k, h, label in REAL_VIEWS if k == key)
            p = register[key]
            train, test, _ = holdout_split(p, h)
            train, test = _scorable(train, test, sample)
            cases.append(Case(key, label, train, test, h, p.season_length, "register", "register"))
    return cases


# ---------------------------------------------------------------- statsforecast yardsticks


def sf_season(train, m):
    """AutoETS / AutoTheta season: the panel's when training holds two seasons, else none."""
    return m if train.shape[1] >= 2 * m else 1


def statsforecast_models(m, m_auto, kind):
    """The yardsticks of a panel kind: public_smooth, public_intermittent or register.

    The register views keep the methods they were first judged against (plus the historic
    mean): on them the last value, mostly 0, scores well by RMSSE, which rewards forecasting
    nothing for the many items without demand in the holdout.
    """
    try:
        from statsforecast import models as sfm
    except ImportError:
        return None
    models = {
        "AutoETS": lambda: sfm.AutoETS(season_length=m_auto),
        "HistoricAverage": sfm.HistoricAverage,
        "CrostonOptimized": sfm.CrostonOptimized,
        "CrostonSBA": sfm.CrostonSBA,
        "TSB(0.1,0.1)": lambda: sfm.TSB(alpha_d=0.1, alpha_p=0.1),
        "TSB(0.2,0.2)": lambda: sfm.TSB(alpha_d=0.2, alpha_p=0.2),
        "ADIDA": sfm.ADIDA,
        "IMAPA": sfm.IMAPA,
    }
    if kind != "register":
        models["SESOpt"] = sfm.SimpleExponentialSmoothingOptimized
        models["Naive"] = sfm.Naive
    if kind == "public_smooth":
        models["AutoTheta"] = lambda: sfm.AutoTheta(season_length=m_auto)
        models["SeasonalNaive"] = lambda: sfm.SeasonalNaive(season_length=m)
    return models


def _frame(train):
    import pandas as pd

    n, T = train.shape
    frames = []
    for i in range(n):
        row = train[i]
        first = int(np.argmax(~np.isnan(row)))
        y = pd.Series(row[first:]).ffill().fillna(0.0).to_numpy()  # statsforecast needs no gaps
        frames.append(pd.DataFrame({"unique_id": i, "ds": np.arange(first, T), "y": y}))
    return pd.concat(frames, ignore_index=True)


def run_statsforecast(train, h, m, kind):
    """{method: (mean (n, h), seconds)}: each statsforecast model alone, one core, cached.

    Series a model refuses get statsforecast's fallback, the historic average.
    """
    m_auto = sf_season(train, m)
    factories = statsforecast_models(m, m_auto, kind)
    if factories is None:
        return {}
    data = np.ascontiguousarray(np.nan_to_num(train, nan=-1.0)).tobytes()
    digest = hashlib.sha1(data, usedforsecurity=False)  # a cache key, not a secret
    digest.update(f"{h}-{m}-{m_auto}-{sorted(factories)}".encode())
    path = CACHE / f"sf-{digest.hexdigest()[:16]}.npz"
    if path.exists():
        data = np.load(path)
        return {k[5:]: (data[k], float(data["sec__" + k[5:]])) for k in data if k[:5] == "mean_"}
    from statsforecast import StatsForecast
    from statsforecast.models import HistoricAverage

    df = _frame(train)
    n = train.shape[0]
    warm = df[df.unique_id < 2]
    results = {}
    for name, factory in factories.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sf = StatsForecast(
                models=[factory()], freq=1, n_jobs=1, fallback_model=HistoricAverage()
            )
            sf.forecast(h=h, df=warm)
            start = time.perf_counter()
            sf = StatsForecast(
                models=[factory()], freq=1, n_jobs=1, fallback_model=HistoricAverage()
            )
            res = sf.forecast(h=h, df=df)
            seconds = time.perf_counter() - start
        res = res.sort_values(["unique_id", "ds"])
        col = [c for c in res.columns if c not in ("unique_id", "ds")][0]
        results[name] = (np.maximum(res[col].to_numpy().reshape(n, h), 0), seconds)
    CACHE.mkdir(exist_ok=True)
    payload = {f"mean_{k}": v[0] for k, v in results.items()}
    payload.update({f"sec__{k}": np.array(v[1]) for k, v in results.items()})
    np.savez_compressed(path, **payload)
    return results


# ---------------------------------------------------------------- our engine


def ours(train, test, h, m):
    """Our scores on one panel: the forecast_panel call timed, then the tie-adjusted coverage."""
    start = time.perf_counter()
    fc = forecast_panel(train, h, season_length=m, quantiles=QS)
    seconds = time.perf_counter() - start
    fitted = engine_panel.fit_forecast(train, h, m)
    cdf = engine_panel.total_cdf(fitted, test.sum(axis=1))
    r = score(train, test, fc.mean, fc.quantiles, fc.total_quantiles, cdf)
    r["ms"] = 1000 * seconds / len(train)
    return r, fc


def rmsse_only(train, test, h, m):
    return score(train, test, engine_panel.fit_panel(train, h, m).mean)["RMSSE"]


def fmt(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def table(title, rows, n_series):
    cols = ["RMSSE", "MASE", "SPL90", "SPL95", "cov90", "cov95", "tie90", "tie95", "ms/series"]
    out(f"\n#### {title} ({n_series} series)\n")
    out("| method | " + " | ".join(cols) + " |")
    out("|---" * (len(cols) + 1) + "|")
    for name, r in rows.items():
        cells = [fmt(r.get(c)) for c in cols[:-1]] + [fmt(r.get("ms"), 2)]
        out(f"| {name} | " + " | ".join(cells) + " |")


def evaluate(case: Case) -> dict:
    """Every method on one panel; returns the summary row of the panel."""
    rows = {}
    r, fc = ours(case.train, case.test, case.h, case.m)
    rows["forecast_engine"] = r
    best = ("-", None, None)
    ets_ms = None
    for name, (mean, seconds) in run_statsforecast(case.train, case.h, case.m, case.kind).items():
        s = score(case.train, case.test, mean)
        s["ms"] = 1000 * seconds / len(case.train)
        rows[f"statsforecast {name}"] = s
        if name == "AutoETS":
            ets_ms = s["ms"]
        if best[1] is None or s["RMSSE"] < best[1]:
            best = (name, s["RMSSE"], s["ms"])
    table(case.label, rows, len(case.train))
    mix = {c: int((fc.demand_class == c).sum()) for c in np.unique(fc.demand_class)}
    chosen = {c: int((fc.method == c).sum()) for c in np.unique(fc.method)}
    out(f"\nclasses: {mix}\n\nmethods: {chosen}")
    ratio = None if best[1] is None else r["RMSSE"] / best[1]
    if ratio is not None:
        out(f"\nbest statsforecast: {best[0]} RMSSE {best[1]:.4f}; ours {r['RMSSE']:.4f}")
        out(f"(ratio {ratio:.3f})")
    return {
        "key": case.key,
        "group": case.group,
        "n": len(case.train),
        "ours": r["RMSSE"],
        "best": best[0],
        "best_rmsse": best[1],
        "ratio": ratio,
        "tie90": r["tie90"],
        "tie95": r["tie95"],
        "ms": r["ms"],
        "ets_ms": ets_ms,
    }


SUMMARY: list[str] = []


def summary(rows) -> None:
    first = len(LINES)
    _summary_table(rows)
    SUMMARY[:] = LINES[first:]


def _summary_table(rows) -> None:
    out("\n#### Summary: ratio of our RMSSE to the best single statsforecast method\n")
    head = "| panel | series | ours | best statsforecast | its RMSSE | ratio | tie90 | tie95 |"
    out(head + " ours ms/series | AutoETS ms/series |")
    out("|---" * 10 + "|")
    for s in rows:
        cells = [s["key"], str(s["n"]), fmt(s["ours"], 4), s["best"], fmt(s["best_rmsse"], 4)]
        cells += [fmt(s["ratio"]), fmt(s["tie90"]), fmt(s["tie95"]), fmt(s["ms"], 3)]
        cells += [fmt(s["ets_ms"], 2)]
        out("| " + " | ".join(cells) + " |")
    for group in ("public", "register"):
        ratios = [s["ratio"] for s in rows if s["group"] == group and s["ratio"] is not None]
        if ratios:
            worst = max(ratios)
            out(
                f"\n{group} panels: mean ratio **{np.mean(ratios):.3f}**, worst {worst:.3f} "
                f"({len(ratios)} panels)"
            )


# ---------------------------------------------------------------- earlier origins, speed


def earlier_origins(keys) -> None:
    """Each real view scored again from earlier forecast origins, against the best statsforecast.

    The last k hold-outs (k = 0..EARLIER_ORIGINS) are cut off and the one before them is held
    out: the same items and rules, other half-years. A margin that holds at one origin only
    could be luck of that half-year.
    """
    views = [v for v in REAL_VIEWS if v[0] in keys]
    if not views:
        return
    panels = build_panels()
    panels["monthly_kpgz"] = kpgz_panel()
    labels = panels["monthly"].periods
    cols = "| view | held out | series | ours RMSSE | best statsforecast | its RMSSE | gain |"
    out(f"\n#### Real views from earlier forecast origins\n\n{cols} tie90 | tie95 |")
    out("|---" * 9 + "|")
    for key, h, _ in views:
        p = panels[key]
        months = 3 if key == "quarterly" else 1
        gains, ties = [], []
        for k in range(EARLIER_ORIGINS + 1):
            end = p.Y.shape[1] - k * h
            n, r, best = score_origin(p, end, h)
            gain = None if best[1] is None else 100 * (1 - r["RMSSE"] / best[1])
            if gain is not None:
                gains.append(gain)
            ties.append((r["tie90"], r["tie95"]))
            held = f"{labels[(end - h) * months]}..{labels[end * months - 1]}"
            cells = [key, held, str(n), fmt(r["RMSSE"]), best[0], fmt(best[1])]
            cells += ["-" if gain is None else f"{gain:+.1f}%", fmt(r["tie90"]), fmt(r["tie95"])]
            out("| " + " | ".join(cells) + " |")
        tie90, tie95 = np.mean(ties, axis=0)
        verdict = "mean"
        if gains:
            ahead = sum(g >= 0 for g in gains)
            verdict = f"ahead at {ahead} of {len(gains)} origins, mean gain {np.mean(gains):+.1f}%"
        out(f"| {key}: {verdict} | | | | | | | {tie90:.3f} | {tie95:.3f} |")


def score_origin(panel, end, h):
    """(series scored, our scores, (best statsforecast method, its RMSSE)) for the ``h``
    periods before period ``end`` held out, the panel cut off there."""
    cut = Panel(panel.name, panel.items, panel.periods[:end], panel.Y[:, :end], panel.season_length)
    train, test, _ = holdout_split(cut, h)
    train, test = _scorable(train, test, 0)
    m = panel.season_length
    r, _ = ours(train, test, h, m)
    best = ("-", None)
    for name, (mean, _) in run_statsforecast(train, h, m, "register").items():
        rmsse = score(train, test, mean)["RMSSE"]
        if best[1] is None or rmsse < best[1]:
            best = (name, rmsse)
    return len(train), r, best


def peak_memory_mb(func, *args) -> float:
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def speed() -> None:
    """forecast_panel on 10,000 simulated series x 36 months: best of 3 wall and CPU times."""
    Y, _ = simulate_panel(SIM_SERIES, 48, 12)
    train = Y[:, :36]
    forecast_panel(train[:20], 12, season_length=12, quantiles=QS)  # lazy imports
    runs = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        forecast_panel(train, 12, season_length=12, quantiles=QS)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    seconds, cpu = min(runs)
    peak = peak_memory_mb(forecast_panel, train, 12, 12, QS)
    out(
        f"\n#### Speed: forecast_panel on {SIM_SERIES:,} simulated series x 36 months, horizon 12,"
        f" season 12, quantiles {QS}\n\n{seconds:.2f} s wall, {cpu:.2f} s CPU, one core "
        f"({1000 * seconds / SIM_SERIES:.3f} ms per series), peak traced memory {peak:.0f} MB"
    )


# ---------------------------------------------------------------- leave-one-panel-out


def _defaults():
    """Every changed default of the engine: (name, module, attribute, candidate values)."""
    return engine_panel.TUNED_DEFAULTS


def leave_one_panel_out(cases) -> None:
    """For each changed default: chosen on all panels but one, scored on the one left out.

    Every candidate value is scored on every panel (ratio of our RMSSE to the best single
    statsforecast method, coverage error of the 0.90 / 0.95 total quantiles for the
    calibration defaults); for each panel left out, the value with the best mean over the
    other panels is applied to it. The table shows, per left-out panel, that value and the
    ratio it gets there against the shipped default, which is the value chosen on all panels.
    """
    best = {}
    for c in cases:
        sf = run_statsforecast(c.train, c.h, c.m, c.kind)
        best[c.key] = min(score(c.train, c.test, mean)["RMSSE"] for mean, _ in sf.values())
    out(
        "\n#### Leave-one-panel-out: every changed default chosen without the panel it is scored on"
    )
    for name, module, attr, values, criterion in _defaults():
        shipped = getattr(module, attr)
        scores = {}
        for v in values:
            setattr(module, attr, v)
            for c in cases:
                scores[(v, c.key)] = _criterion(c, best[c.key], criterion)
        setattr(module, attr, shipped)
        out(f"\n`{attr}` ({name}); shipped: {shipped!r}; criterion: {criterion}\n")
        out("| left out | chosen on the others | its score there | shipped value's score |")
        out("|---|---|---|---|")
        held_scores, shipped_scores = [], []
        for c in cases:
            others = [o.key for o in cases if o.key != c.key]
            pick = min(values, key=lambda v: np.mean([scores[(v, k)] for k in others]))
            held_scores.append(scores[(pick, c.key)])
            shipped_scores.append(scores[(shipped, c.key)])
            out(
                f"| {c.key} | {pick!r} | {scores[(pick, c.key)]:.3f} | "
                f"{scores[(shipped, c.key)]:.3f} |"
            )
        out(f"| mean | | {np.mean(held_scores):.3f} | {np.mean(shipped_scores):.3f} |")
        on_all = min(values, key=lambda v: np.mean([scores[(v, c.key)] for c in cases]))
        means = ", ".join(
            f"{v!r}: {np.mean([scores[(v, c.key)] for c in cases]):.3f}" for v in values
        )
        out(f"\nmean over all panels per value: {means}; chosen on all panels: {on_all!r}")


def _criterion(case, best_rmsse, criterion):
    if criterion == "RMSSE ratio":
        return rmsse_only(case.train, case.test, case.h, case.m) / best_rmsse
    fitted = engine_panel.fit_forecast(case.train, case.h, case.m)
    cdf = engine_panel.total_cdf(fitted, case.test.sum(axis=1))
    r = score(case.train, case.test, np.zeros_like(case.test), None, {0.9: 0, 0.95: 0}, cdf)
    return abs(r["tie90"] - 0.90) + abs(r["tie95"] - 0.95)


# ---------------------------------------------------------------- docs


def write_docs(marker: str) -> None:
    """Replace the text between ``<!-- bench:<marker>:start/end -->`` in docs/forecast-engine.md,
    and the summary table in README.md once a full run has printed it."""
    write_block(DOC, marker, LINES)
    if marker == "tables" and SUMMARY and SUMMARY_KEYS <= {c.key for c in CASES}:
        write_block(README, "summary", [*SUMMARY, "", f"({machine()}; `make bench`.)"])


def kpgz_panel():
    """Extra real view: monthly contract counts per final KPGZ category (a coarser item)."""
    import openpyxl
    from lct_panels import DATA, SHEET, _text

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
    parser.add_argument("--panels", default=",".join(ALL_PANELS), help="comma-separated keys")
    parser.add_argument("--sample", type=int, default=0, help="at most this many series a panel")
    parser.add_argument("--lopo", action="store_true", help="leave-one-panel-out report")
    parser.add_argument("--lopo-only", action="store_true", help="only the leave-one-panel-out")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--docs", action="store_true", help="write docs/forecast-engine.md")
    args = parser.parse_args()
    keys = [k.strip() for k in args.panels.split(",") if k.strip()]
    unknown = sorted(set(keys) - set(ALL_PANELS))
    if unknown:
        parser.error(f"unknown panels {unknown}; known: {', '.join(ALL_PANELS)}")
    one_core()
    out("### Forecast benchmark (one core)\n")
    sample = f", at most {args.sample} series per panel" if args.sample else ""
    out(f"Panels: {', '.join(keys)}{sample}.")
    cases = load_cases(keys, args.sample)
    CASES[:] = [] if args.sample else cases
    if args.lopo_only:
        LINES.clear()
        out(f"Panels: {', '.join(keys)}{sample}.")
        leave_one_panel_out([c for c in cases if c.group != "simulated"])
        if args.docs:
            write_docs("lopo")
        return
    rows = [evaluate(c) for c in cases]
    summary(rows)
    if args.docs:
        write_docs("tables")
    if "simulated" in keys and not args.no_speed:
        speed()
        if args.docs:
            write_docs("tables")
    if not args.sample:
        earlier_origins(keys)
        if args.docs:
            write_docs("tables")
    if args.lopo:
        LINES.clear()
        leave_one_panel_out([c for c in cases if c.group != "simulated"])
        if args.docs:
            write_docs("lopo")


if __name__ == "__main__":
    main()
