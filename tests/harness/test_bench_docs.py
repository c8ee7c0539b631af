"""bench_odoo.py --write-docs: the documentation holds exactly what the bench printed."""

import argparse
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("bench_odoo", REPO / "bench" / "bench_odoo.py")
bench_odoo = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench_odoo)
START, END = "<!-- bench_odoo:scale -->", "<!-- /bench_odoo:scale -->"


def options():
    return argparse.Namespace(load_at_start=(1.0, 2.0, 3.0))


def test_write_docs_replaces_the_previous_block_only(tmp_path):
    """A second bench run replaces the figures of the first between the markers and leaves
    the text around them as it was; population progress lines are not figures."""
    page = tmp_path / "page.md"
    page.write_text(f"# Perf\n\nbefore\n\n{START}\nold figures\n{END}\n\nafter\n")
    bench_odoo.write_docs(page, options(), "  created 1000 products (3 s)\nrun 12.5 s\n")
    text = page.read_text()
    assert "old figures" not in text and "created 1000" not in text
    assert "run 12.5 s" in text and "1.00, 2.00, 3.00 at the start" in text
    assert text.startswith("# Perf\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert text.count(START) == 1 and text.count(END) == 1


def test_write_docs_appends_a_block_when_there_is_none(tmp_path):
    """A page without the markers gets one block at its end; its text stays."""
    page = tmp_path / "page.md"
    page.write_text("# Perf\n")
    bench_odoo.write_docs(page, options(), "search median 3.1 ms\n")
    text = page.read_text()
    assert text.startswith("# Perf\n\n" + START) and text.rstrip().endswith(END)
    assert "search median 3.1 ms" in text


def test_percentile_takes_the_nearest_rank():
    """Median and p95 of the search timings are values that were measured."""
    values = [float(v) for v in range(1, 21)]
    assert bench_odoo.percentile(values, 0.5) == 11.0
    assert bench_odoo.percentile(values, 0.95) == 19.0
