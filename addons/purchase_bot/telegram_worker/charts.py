"""PNG charts for Telegram: a product's history and forecast band, purchase analytics.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
state); matplotlib is imported on first use because it costs a noticeable startup time.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import json
import logging
import threading
from collections import OrderedDict

from . import fmt
from .logsafe import redact

_logger = logging.getLogger(__name__)
# matplotlib's font cache and text layout are not thread-safe; re-entrant, as a cached chart
# function holds it while it draws
_lock = threading.RLock()
# drawing a chart costs a few hundred milliseconds of CPU under the lock above, so charts are
# drawn once per content: colleagues opening the same product, or one buyer going back and
# forth, get the PNG already drawn (the key is the chart's whole input, so new data or another
# language draws anew)
CACHE_SIZE = 128
_cache: OrderedDict[str, bytes | None] = OrderedDict()


def _cached(draw):
    """Memoise a chart function on a digest of its arguments (JSON), the CACHE_SIZE latest."""

    @functools.wraps(draw)
    def cached(*args):
        payload = json.dumps([draw.__name__, *args], sort_keys=True, default=str)
        key = hashlib.sha256(payload.encode()).hexdigest()
        with _lock:  # held while drawing: a second request for the same chart waits for it
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
            png = draw(*args)
            _cache[key] = png
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
            return png

    return cached


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _number_axis(axes, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.number(value, lang)))


@_cached
def product_chart(series: dict, lang: str, title: str, labels: dict[str, str]) -> bytes | None:
    """History, forecast mean and its band; None when there is nothing to draw.

    ``labels``: ``history``, ``forecast``, ``band``, ``x`` and ``y`` texts, already translated.
    """
    history = [(fmt.to_date(p.get("date")), p.get("quantity")) for p in series.get("history") or []]
    history = [(d, q) for d, q in history if d is not None and q is not None]
    forecast = [
        (fmt.to_date(p.get("date")), p.get("mean"), p.get("low"), p.get("high"))
        for p in series.get("forecast") or []
    ]
    forecast = [row for row in forecast if row[0] is not None and row[1] is not None]
    if not history and not forecast:
        return None
    import matplotlib.dates as mdates

    with _lock:
        figure = _figure()
        axes = figure.add_subplot()
        if history:
            axes.plot(
                [d for d, _q in history],
                [q for _d, q in history],
                marker="o",
                markersize=3,
                color="#1f77b4",
                label=labels["history"],
            )
        if forecast:
            dates = [row[0] for row in forecast]
            if history:  # join the forecast to the last actual point
                dates_line = [history[-1][0], *dates]
                means = [history[-1][1], *(row[1] for row in forecast)]
            else:
                dates_line, means = dates, [row[1] for row in forecast]
            axes.plot(dates_line, means, linestyle="--", color="#d62728", label=labels["forecast"])
            lows = [row[2] if row[2] is not None else row[1] for row in forecast]
            highs = [row[3] if row[3] is not None else row[1] for row in forecast]
            axes.fill_between(dates, lows, highs, color="#d62728", alpha=0.18, label=labels["band"])
        axes.set_title(title)
        axes.set_xlabel(labels["x"])
        axes.set_ylabel(labels["y"])
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left")
        locator = mdates.AutoDateLocator(maxticks=10)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(
            mdates.DateFormatter("%m.%Y" if fmt.base_lang(lang) == "ru" else "%Y-%m")
        )
        _number_axis(axes, lang)
        figure.autofmt_xdate()
        return _png(figure)


@_cached
def bar_chart(labels: list[str], values: list[float], lang: str, title: str, ylabel: str) -> bytes:
    """A bar per period (analytics: purchases by year, quarter or month)."""
    with _lock:
        figure = _figure()
        axes = figure.add_subplot()
        positions = list(range(len(values)))
        axes.bar(positions, values, color="#1f77b4")
        axes.set_xticks(positions)
        rotate = len(labels) > 6
        axes.set_xticklabels(
            labels, rotation=45 if rotate else 0, ha="right" if rotate else "center"
        )
        axes.set_title(title)
        axes.set_ylabel(ylabel)
        axes.grid(axis="y", alpha=0.3)
        _number_axis(axes, lang)
        return _png(figure)


@_cached
def turnover_chart(
    periods: list[str],
    closing: list[float],
    issues: list[float],
    lang: str,
    title: str,
    labels: dict[str, str],
) -> bytes | None:
    """Issues as bars and the closing balance as a line, per period of a turnover
    statement; None when there is nothing to draw.

    ``labels``: ``closing``, ``issues`` and ``y`` texts, already translated."""
    if not periods:
        return None
    with _lock:
        figure = _figure()
        axes = figure.add_subplot()
        positions = list(range(len(periods)))
        axes.bar(positions, issues, color="#ff7f0e", alpha=0.8, label=labels["issues"])
        axes.plot(
            positions, closing, marker="o", color="#1f77b4", linewidth=2, label=labels["closing"]
        )
        axes.set_xticks(positions)
        rotate = len(periods) > 6
        axes.set_xticklabels(
            periods, rotation=45 if rotate else 0, ha="right" if rotate else "center"
        )
        axes.set_title(title)
        axes.set_ylabel(labels["y"])
        axes.set_ylim(bottom=min(0, *closing))
        axes.grid(axis="y", alpha=0.3)
        axes.legend(loc="upper left")
        _number_axis(axes, lang)
        return _png(figure)


async def render(draw, *args) -> bytes | None:
    """Run a chart function off the event loop; a chart that fails is logged and left out
    (the user still gets the numbers)."""
    try:
        return await asyncio.to_thread(draw, *args)
    except Exception as exc:  # a bad series must not cost the user the whole answer
        _logger.warning("Chart not drawn: %s: %s", type(exc).__name__, redact(exc))
        return None
