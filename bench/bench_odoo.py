#!/usr/bin/env python3
"""Forecast runs and purchase plans at scale inside Odoo: prints figures, asserts nothing.

    .venv/bin/python bench/bench_odoo.py [--products 10000] [--months 36] [--db pfbench]
        [--job-workers 1,2]

Creates (once) database `--db` on the make-run PostgreSQL cluster (.run/postgres, or the
server named by PGHOST) with purchase_forecast installed and `--products` products having
`--months` of monthly imported demand history (a mix of smooth, erratic and intermittent
series), then times, each in a transaction rolled back afterwards:

- a forecast run over 1/5, 1/2 and all of the products, with the process's peak resident
  memory after each, to show memory staying flat as the scope grows (batches of 2000);
- reading the forecast lines list of the run (first page, grouped by category);
- a purchase plan over all the products reading the published run (its stored models), and
  the same plan through the refit path plans used before forecasts were published (history
  built for the plan, the engine fitted again for the order quantities and once more per
  lead time for the stockout risks), both printed;
- with --job-workers: a forecast run over all the products through the job queue, on an Odoo
  server started with that many worker processes (prefork) and OCA queue_job's runner with
  as many job slots: wall time from "Run in Background" to the run done, jobs per second and
  the peak resident memory of each worker process;
- with --search: the Telegram product search's database part (the pg_trgm shortlist of
  purchase_bot's gateway, installed for it) for typo'd queries: median and p95 ms and the
  query plan of one;
- with --write-docs PATH: the figures printed above also written into PATH, between
  `<!-- bench_odoo:scale -->` and `<!-- /bench_odoo:scale -->` (the previous block replaced).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import odoo_env  # noqa: E402
import pgcluster  # noqa: E402


def database_args(db: str) -> list[str]:
    if os.environ.get("PGHOST"):
        return [f"--db_host={os.environ['PGHOST']}", f"--database={db}"]
    port = int(os.environ.get("PF_PG_PORT", "54329"))
    cluster = pgcluster.persistent_cluster(REPO / ".run" / "postgres", port)
    return [*cluster.odoo_args, f"--database={db}"]


def ensure_database(home: Path, python: str, args: list[str], data_dir: str) -> None:
    """Install the addon on a new database, then bring it to this code (Odoo skips an update
    asked together with an install)."""
    for option in ("--init=purchase_forecast", "--update=purchase_forecast"):
        cmd = odoo_env.odoo_command(
            home,
            python,
            *args,
            f"--data-dir={data_dir}",
            option,
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        )
        subprocess.run(cmd, check=True, cwd=REPO)


def populate(env, products: int, months: int) -> None:
    """Products with demand history, created once (the marker is a product code prefix)."""
    import numpy as np

    Product = env["product.product"]
    existing = Product.search_count([("default_code", "=like", "BENCH-%")])
    if existing >= products:
        return
    rng = np.random.default_rng(2026)
    vendor = env["res.partner"].create({"name": "Bench Vendor"})
    categories = env["product.category"].create([{"name": f"Bench {i}"} for i in range(20)])
    from odoo import fields

    today = fields.Date.context_today(Product)
    start = today.replace(day=1)
    started = time.perf_counter()
    for offset in range(existing, products, 1000):
        chunk = range(offset, min(products, offset + 1000))
        batch = Product.create(
            [
                {
                    "name": f"Bench item {i}",
                    "default_code": f"BENCH-{i:05d}",
                    "type": "consu",
                    "categ_id": categories[i % 20].id,
                    "standard_price": float(5 + i % 50),
                    "seller_ids": [
                        (
                            0,
                            0,
                            {
                                "partner_id": vendor.id,
                                "price": float(6 + i % 50),
                                "delay": 7 + i % 30,
                            },
                        )
                    ],
                }
                for i in chunk
            ]
        )
        rows = []
        for product, i in zip(batch, chunk, strict=True):
            kind = i % 3
            if kind == 0:  # smooth
                values = rng.poisson(20 + i % 40, months)
            elif kind == 1:  # erratic
                values = rng.negative_binomial(2, 0.1, months)
            else:  # intermittent
                values = rng.binomial(1, 0.25, months) * rng.poisson(8, months)
            for m, value in enumerate(values):
                month = (start.month - 1 - (months - m)) % 12 + 1
                year = start.year + (start.month - 1 - (months - m)) // 12
                if value:
                    rows.append(
                        {
                            "product_id": product.id,
                            "date": f"{year}-{month:02d}-15",
                            "quantity": float(value),
                            "key": f"bench:{i}:{m}",
                        }
                    )
        env["purchase.forecast.history"].create(rows)
        env.cr.commit()
        print(
            f"  created {chunk.stop} products ({time.perf_counter() - started:.0f} s)", flush=True
        )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_run(env, products):
    """One run in this process: every chunk one after another, as a single job worker would."""
    run = env["purchase.forecast.run"].create({"product_ids": [(6, 0, products.ids)]})
    env.flush_all()
    started = time.perf_counter()
    run._start()
    run._run_chunks_now()
    env.flush_all()
    return run, time.perf_counter() - started, peak_rss_mb()


def worker_peak_rss_mb(server_pid: int) -> list[float]:
    """Peak resident memory (VmHWM) of the server's worker processes (its children)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    peaks = []
    for pid in children.read_text().split() if children.exists() else []:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return peaks


def queued_run(registry, products_ids):
    """A run over the products sent to the background, committed: the job queue takes it."""
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        run = env["purchase.forecast.run"].create({"product_ids": [(6, 0, products_ids)]})
        run.action_queue()
        return run.id


def run_state(registry, run_id):
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        run = env["purchase.forecast.run"].browse(run_id)
        return run.state, run.chunk_count, run.products_done


def bench_job_workers(home, python, args, data_dir, registry, products_ids, workers):
    """Wall time of a run through the job queue on a server with `workers` processes."""
    port = pgcluster.free_port()
    cmd = odoo_env.odoo_command(
        home,
        python,
        *args,
        f"--data-dir={data_dir}",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--load=base,web,queue_job",
        "--limit-time-cpu=600",
        "--limit-time-real=1200",
        "--log-level=warn",
    )
    env = dict(
        os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.purchase_forecast:{workers}"
    )
    log = (REPO / ".run" / f"bench-jobs-{workers}.log").open("w")
    server = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                    break
            time.sleep(0.5)
        run_id = queued_run(registry, products_ids)
        started = time.perf_counter()
        peaks = []
        while True:
            state, chunks, done = run_state(registry, run_id)
            peaks = worker_peak_rss_mb(server.pid) or peaks
            if state in ("done", "failed") or time.perf_counter() - started > 3600:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        return state, seconds, chunks, done, peaks
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--db", default="pfbench")
    parser.add_argument(
        "--job-workers",
        default="",
        help="comma-separated worker counts (e.g. 1,2): time a run through the job queue",
    )
    parser.add_argument(
        "--search", action="store_true", help="time the bot's trigram product search"
    )
    parser.add_argument(
        "--write-docs", default="", metavar="PATH", help="write the figures into PATH's block"
    )
    options = parser.parse_args()
    options.load_at_start = os.getloadavg()
    if options.write_docs:
        sys.stdout = Tee(sys.stdout)
    home = odoo_env.odoo_home()
    if home is None:
        print("Odoo 19 not found (set ODOO_HOME): nothing to measure.")
        return 0
    python = odoo_env.odoo_python(home)
    if python != sys.executable:
        os.execv(python, [python, *sys.argv])  # noqa: S606 - rerun under Odoo's Python
    data_dir = str(REPO / ".run" / "bench-data")
    args = database_args(options.db)
    ensure_database(home, python, args, data_dir)

    sys.path.insert(0, str(home))
    import odoo
    from odoo import api
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={odoo_env.addons_path(home, python)}",
            *args,
            f"--data-dir={data_dir}",
            "--log-level=warn",
        ]
    )
    registry = odoo.modules.registry.Registry(options.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(f"Populating {options.products} products x {options.months} months ...")
        populate(env, options.products, options.months)
        env.company.forecast_history_months = options.months
        everything = env["product.product"].search(
            [("default_code", "=like", "BENCH-%")], limit=options.products, order="id"
        )
        print(f"\nForecast runs ({options.months} monthly periods, horizon 12, batches of 2000)")
        # the engine's scipy imports happen once per process: not part of a run
        import numpy as np

        from odoo.addons.purchase_forecast.forecast_engine import forecast_panel

        forecast_panel(np.ones((1, 36)), 12, season_length=12)
        print(f"process peak RSS before runs: {peak_rss_mb():.0f} MB")
        print(f"{'products':>9} {'seconds':>8} {'ms/product':>11} {'peak RSS MB':>12}")
        run = None
        for share in (5, 2, 1):
            products = everything[: len(everything) // share]
            run, seconds, peak = timed_run(env, products)
            print(
                f"{len(products):>9} {seconds:>8.1f} {1000 * seconds / len(products):>11.2f} "
                f"{peak:>12.0f}",
                flush=True,
            )
            if share != 1:
                cr.rollback()
        started = time.perf_counter()
        groups = env["purchase.forecast.line"].web_read_group(
            [("run_id", "=", run.id)], ["categ_id"], ["quantity:sum"]
        )
        lines = env["purchase.forecast.line"].web_search_read(
            [("run_id", "=", run.id)], {"product_id": {}, "date": {}, "quantity": {}}, limit=80
        )
        print(
            f"\nForecast lines of {run.line_count} rows: grouped by category "
            f"({len(groups['groups'])} groups) and first page ({len(lines['records'])} rows) "
            f"in {time.perf_counter() - started:.2f} s"
        )
        run._publish()
        # in this process, as one job worker would: not through the queue
        env["ir.config_parameter"].set_param(
            "purchase_forecast.plan_job_threshold", str(len(everything))
        )
        print(f"\nPurchase plan over {len(everything)} products")
        timings = {}
        for path in ("published", "refit"):
            plan = env["purchase.plan"].create({"product_ids": [(6, 0, everything.ids)]})
            env.flush_all()
            with refit_path(env) if path == "refit" else contextlib.nullcontext():
                started = time.perf_counter()
                plan.action_compute()
                env.flush_all()
                timings[path] = time.perf_counter() - started
            lines = plan.line_ids
            print(
                f"  {path:>9}: {timings[path]:.1f} s ({len(lines)} lines, "
                f"{len(lines.filtered(lambda ln: ln.quantity))} to order, "
                f"{sum(lines.mapped('expected_demand')):.0f} expected in total)",
                flush=True,
            )
        print(f"  the published forecast is {timings['refit'] / timings['published']:.1f}x faster")
        cr.rollback()
        everything_ids = everything.ids
    counts = [int(n) for n in options.job_workers.split(",") if n.strip()]
    if counts:
        print(
            f"\nForecast run over {len(everything_ids)} products through the job queue "
            f"(chunks of {batch_size(registry)}; the server's job slots = its workers)"
        )
        print(
            f"{'workers':>8} {'seconds':>8} {'chunks':>7} {'jobs/s':>7} {'worker peak RSS MB':>20}"
        )
        for workers in counts:
            state, seconds, chunks, done, peaks = bench_job_workers(
                home, python, args, data_dir, registry, everything_ids, workers
            )
            peak = ", ".join(f"{p:.0f}" for p in peaks) or "?"
            print(
                f"{workers:>8} {seconds:>8.1f} {chunks:>7} {chunks / seconds:>7.2f} {peak:>20}"
                + ("" if state == "done" and done == len(everything_ids) else f"  ({state})"),
                flush=True,
            )
    if options.search:
        bench_search(home, python, args, data_dir, options.db)
    if options.write_docs:
        write_docs(Path(options.write_docs), options, sys.stdout.text())
    return 0


@contextlib.contextmanager
def refit_path(env):
    """Plans compute as they did before forecasts were published (git f685c84): each plan
    builds its own demand history, fits the engine for the order quantities
    (order_quantities(Y)) and again per lead time for the stockout risks (forecast_panel)."""
    import numpy as np
    from dateutil.relativedelta import relativedelta

    from odoo import fields

    from odoo.addons.purchase_forecast.forecast_engine import forecast_panel, order_quantities
    from odoo.addons.purchase_forecast.forecast_engine.periods import PERIOD_DAYS, period_start
    from odoo.addons.purchase_forecast.models.purchase_forecast_demand import DemandScope
    from odoo.addons.purchase_forecast.models.purchase_forecast_run import SEASON_LENGTH

    Plan = type(env["purchase.plan"])
    original = Plan._advise

    def history(plan, products, period):
        company = plan.company_id
        date_to = period_start(fields.Date.context_today(plan), period)
        scope = DemandScope(
            company=company,
            products=products,
            period=period,
            date_from=period_start(
                date_to - relativedelta(months=company.forecast_history_months), period
            ),
            date_to=date_to,
            source=company.forecast_history_source,
            measure="quantity",
            warehouses=plan.warehouse_id,
        )
        return env["purchase.forecast.demand"]._build_panel(scope).values

    def risks(Y, lead_periods, positions, period):
        levels = np.linspace(0.02, 0.98, 25)
        horizons = np.maximum(1, np.ceil(lead_periods - 1e-9)).astype(int)
        out = np.zeros(len(Y))
        for horizon in np.unique(horizons):
            rows = np.flatnonzero(horizons == horizon)
            forecast = forecast_panel(
                Y[rows], int(horizon), season_length=SEASON_LENGTH[period], quantiles=levels
            )
            grid = np.column_stack([forecast.total_quantiles[q] for q in levels])
            for k, row in enumerate(rows):
                if grid[k, -1] > 0:
                    covered = np.interp(positions[row], grid[k], levels, left=0.0, right=1.0)
                    out[row] = 1.0 - covered
        return out

    def refit_advise(self, states, products, stock, vendors, period, with_terms):
        Y = history(self, products, period)
        lead = self._lead_times(products, vendors)
        days = PERIOD_DAYS[period]
        ids = products.ids
        positions = np.array([stock[i]["position"] for i in ids])
        lead_periods = np.array([lead[i]["days"] for i in ids]) / days
        advice = order_quantities(
            Y,
            positions,
            lead_periods,
            review=np.full(len(ids), self.review_days / days),
            moq=np.array([vendors[i]["moq"] or 0.0 for i in ids]) if with_terms else None,
            multiple=np.array([vendors[i]["multiple"] or 0.0 for i in ids]) if with_terms else None,
            service_level=self.service_level / 100.0,
            season_length=SEASON_LENGTH[period],
            lead_time_std=np.array([lead[i]["std"] for i in ids]) / days,
            unit_cost=np.array([vendors[i]["price"] or 0.0 for i in ids]),
            service_scope=self.service_scope,
        )
        if with_terms:
            advice.stockout_risk = risks(Y, lead_periods, positions, period)
        return advice, lead

    Plan._advise = refit_advise
    try:
        yield
    finally:
        Plan._advise = original


def batch_size(registry):
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        return env["purchase.forecast.run"]._batch_size()


# typo'd queries over the bench catalog's names ("Bench item <n>"): swapped, dropped, doubled
# and wrong letters, as users type them in Telegram
SEARCH_QUERIES = [
    "bnech item 12345",
    "bench itme 4242",
    "bensh item 777",
    "benc item 31",
    "bennch item 9001",
    "bech itm 15",
    "bench iten 2718",
    "bemch item 404",
    "bench itrm 1234",
    "nbench item 88",
    "bench item 3141",
    "bencj item 5",
    "bwnch item 606",
    "bench tiem 7",
    "bnch item 4000",
    "bench ietm 2",
    "behcn item 10",
    "bench itwm 999",
    "bencch item 123",
    "bench item 4567",
]


def ensure_bot(home, python, args, data_dir, db):
    """Install purchase_bot on the bench database when it is not there yet."""
    cmd = odoo_env.odoo_command(
        home,
        python,
        *args,
        f"--data-dir={data_dir}",
        "--init=purchase_bot",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    )
    subprocess.run(cmd, check=True, cwd=REPO)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_search(home, python, args, data_dir, db):
    """Milliseconds of the gateway's trigram shortlist per query, and one query's plan."""
    import odoo
    from odoo import api
    from odoo.tools import SQL

    ensure_bot(home, python, args, data_dir, db)
    registry = odoo.modules.registry.Registry.new(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        gateway = env["purchase.bot.gateway"]
        catalog = env["product.product"].search_count([])
        timings, found = [], []
        for text in SEARCH_QUERIES:
            started = time.perf_counter()
            ids = gateway._trigram_shortlist(env, text)
            timings.append(1000 * (time.perf_counter() - started))
            found.append(len(ids))
        print(
            f"\nProduct search, database part (pg_trgm shortlist; trigram support: "
            f"{'yes' if registry.has_trigram else 'NO'}) over {catalog} products, "
            f"{len(SEARCH_QUERIES)} typo'd queries: median {percentile(timings, 0.5):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms, {min(found)}-{max(found)} candidates each"
        )
        # the same statement the gateway runs, under EXPLAIN: the plan shows the index used
        statements = []
        execute = cr.execute

        def capture(query, params=None, log_exceptions=True):
            statements.append(query)
            return execute(query, params, log_exceptions)

        cr.execute = capture
        gateway._trigram_shortlist(env, SEARCH_QUERIES[0])
        cr.execute = execute
        select = next(q for q in statements if "product_template" in str(q))
        from odoo.addons.purchase_bot.models.purchase_bot_gateway import FUZZY_SIMILARITY

        threshold = "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)"
        cr.execute(SQL(threshold, FUZZY_SIMILARITY))
        cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", select))
        print(f"query plan of {SEARCH_QUERIES[0]!r}:")
        for (row,) in cr.fetchall():
            print(f"    {row}")
        cr.rollback()


class Tee:
    """Standard output that also keeps what was printed, for --write-docs."""

    def __init__(self, stream):
        self.stream = stream
        self.parts = []

    def write(self, data):
        self.parts.append(data)
        return self.stream.write(data)

    def flush(self):
        self.stream.flush()

    def text(self):
        return "".join(self.parts)


def write_docs(path, options, printed):
    """Replace the marked block of `path` (or append one) with this run's printed figures."""
    import re

    start, end = "<!-- bench_odoo:scale -->", "<!-- /bench_odoo:scale -->"
    figures = "\n".join(
        line for line in printed.splitlines() if not line.lstrip().startswith("created ")
    ).strip()
    command = " ".join(["bench/bench_odoo.py", *sys.argv[1:]])
    load_start = ", ".join(f"{x:.2f}" for x in options.load_at_start)
    load_end = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    block = (
        f"{start}\nPrinted by `{command}` on {time.strftime('%Y-%m-%d')} "
        f"(load average 1/5/15 min: {load_start} at the start, {load_end} at the end):"
        f"\n\n```text\n"
        f"{figures}\n```\n{end}"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
