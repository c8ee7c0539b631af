"""Benchmark the Odoo import of a real file: parse, match and write, timed in a real database.

    .venv/bin/python bench/bench_odoo_import.py DATABASE [--file NAME] [--keep] [ODOO OPTIONS]

DATABASE must have purchase_forecast installed. Odoo options (--db_host, --db_port,
--db_user...) are passed to Odoo's configuration; ODOO_HOME names the Odoo source tree
(default /opt/odoo). The file (default contracts_by_customer.xlsx, from data/lct2024) is
imported twice through the import wizard into a fresh company, as a Forecast Manager would:
the first import creates everything, the second finds everything already there. Nothing is
kept unless --keep is given (the transaction is rolled back).
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "lct2024"
TARGET_SECONDS = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--file", default="contracts_by_customer.xlsx")
    parser.add_argument("--keep", action="store_true", help="commit what was imported")
    args, odoo_args = parser.parse_known_args()

    home = Path(os.environ.get("ODOO_HOME") or "/opt/odoo")
    sys.path.insert(0, str(home))
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        [f"--addons-path={home / 'addons'},{REPO / 'addons'}", *odoo_args], setup_logging=True
    )
    path = Path(args.file)
    if not path.is_file():
        path = DATA / args.file
    content = path.read_bytes()
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].create(
            {"name": f"Import benchmark {time.strftime('%H:%M:%S')}"}
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        if not warehouse:
            warehouse = env["stock.warehouse"].create(
                {"name": "Benchmark", "code": "BNCH", "company_id": company.id}
            )
        Wizard = env["purchase.forecast.import"].with_company(company)
        timings = []
        for attempt in ("first import", "same file again"):
            start = time.perf_counter()
            wizard = Wizard.create(
                {
                    "company_id": company.id,
                    "file": base64.b64encode(content),
                    "filename": path.name,
                    "warehouse_id": warehouse.id,
                }
            )
            action = wizard.action_import()
            env.flush_all()
            seconds = time.perf_counter() - start
            log = env["purchase.forecast.import.log"].browse(action["res_id"])
            timings.append(seconds)
            print(
                f"{path.name} ({attempt}): {seconds:.2f} s — {log.created_count} created, "
                f"{log.updated_count} updated, {log.unchanged_count} unchanged, "
                f"{log.skipped_count} rows skipped, {log.product_created_count} products "
                f"created, {log.category_created_count} categories created",
                flush=True,
            )
        if args.keep:
            cr.commit()
        else:
            cr.rollback()
    verdict = "within" if timings[0] < TARGET_SECONDS else "OVER"
    print(f"first import {timings[0]:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0 if timings[0] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
