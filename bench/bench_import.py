"""Benchmark the pure parsers on the real files: parse time and peak memory per file.

    .venv/bin/python bench/bench_import.py [--repeat 3] [FILE ...]

Time is the best of ``--repeat`` runs of importers.parse() (detection included) without
tracing; peak memory is measured in a separate run with tracemalloc (Python allocations; the
process also holds the interpreter and libraries). Also times matching the contract
register's catalog items against the catalog's products (code first, then fuzzy names).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "addons" / "purchase_forecast"))

import importers  # noqa: E402

DATA = REPO / "data" / "lct2024"


def bench_file(path: Path, repeat: int) -> tuple[float, float, importers.ParseResult]:
    content = path.read_bytes()
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = importers.parse(content, path.name)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    importers.parse(content, path.name)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = args.files or sorted(DATA.glob("*.xlsx"))
    print(
        f"{'file':32} {'kind':17} {'size KB':>8} {'records':>8} {'skipped':>7} "
        f"{'parse s':>8} {'peak MB':>8}"
    )
    results = {}
    for path in files:
        seconds, peak, result = bench_file(path, args.repeat)
        results[path.name] = result
        print(
            f"{path.name:32} {result.kind:17} {path.stat().st_size / 1024:8.0f} "
            f"{len(result.records):8d} {len(result.skipped):7d} {seconds:8.2f} {peak:8.1f}"
        )
    contracts = results.get("contracts_by_customer.xlsx")
    catalog = results.get("kpgz_spgz_ste.xlsx")
    if contracts and catalog:
        candidates = [(p.key, p.spgz_code, p.name) for p in catalog.products]
        start = time.perf_counter()
        matches = importers.match_products(contracts.products, candidates)
        seconds = time.perf_counter() - start
        matched = sum(1 for m in matches if m.candidate_id is not None)
        uncertain = sum(1 for m in matches if m.uncertain)
        print(
            f"\nmatching {len(contracts.products)} contract items against {len(candidates)} "
            f"catalog products: {seconds:.2f} s, {matched} matched ({uncertain} for review)"
        )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {maxrss:.0f} MB")


if __name__ == "__main__":
    main()
