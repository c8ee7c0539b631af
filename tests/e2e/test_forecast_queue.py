"""A forecast run through OCA queue_job on a real Odoo server: several worker processes
(prefork) and the job runner, as in production. An integrator queues a run of 2,000 products
over JSON-2 and polls it until every chunk is done."""

import json
import time

import pytest

PRODUCTS, MONTHS, CHUNK = 2000, 12, 500
TIMEOUT = 900.0

SETUP = """
import json
from dateutil.relativedelta import relativedelta
from odoo import fields
env['ir.config_parameter'].set_param('purchase_forecast.batch_size', '%(chunk)d')
category = env['product.category'].create({'name': 'Queued forecast goods'})
products = env['product.product'].create([
    {'name': f'Queued item {i:05d}', 'type': 'consu', 'categ_id': category.id}
    for i in range(%(products)d)
])
this_month = fields.Date.today().replace(day=15)
rows = [
    {'product_id': product.id, 'date': this_month - relativedelta(months=m),
     'quantity': float(1 + (product.id + m) %% 7), 'key': f'queue-{product.id}-{m}'}
    for product in products for m in range(1, %(months)d + 1)
]
for start in range(0, len(rows), 5000):
    env['purchase.forecast.history'].create(rows[start:start + 5000])
env.cr.commit()
print('SETUP=' + json.dumps({'category': category.id}))
""" % {"products": PRODUCTS, "months": MONTHS, "chunk": CHUNK}


@pytest.fixture
def queued_goods(odoo_shell):
    output = odoo_shell(SETUP)
    line = next(line for line in output.splitlines() if line.startswith("SETUP="))
    return json.loads(line.split("=", 1)[1])


def test_run_through_the_job_queue(odoo, queued_goods):
    """Run in Background splits 2,000 products into 4 chunk jobs; the job runner hands them to
    the worker processes and the run finishes by itself with every product forecast once."""
    [run_id] = odoo.call(
        "purchase.forecast.run",
        "create",
        vals_list=[{"category_ids": [[6, 0, [queued_goods["category"]]]], "horizon": 3}],
    )
    odoo.call("purchase.forecast.run", "action_queue", ids=[run_id])
    fields = ["state", "products_done", "products_total", "chunk_count", "chunk_failed_count"]
    deadline = time.monotonic() + TIMEOUT
    started = time.monotonic()
    while True:
        [run] = odoo.call("purchase.forecast.run", "read", ids=[run_id], fields=fields)
        if run["state"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(2)
    elapsed = time.monotonic() - started
    assert run["state"] == "done", run
    assert (run["chunk_count"], run["chunk_failed_count"]) == (PRODUCTS // CHUNK, 0)
    assert run["products_done"] == run["products_total"] == PRODUCTS
    results = odoo.call(
        "purchase.forecast.result",
        "search_read",
        domain=[["run_id", "=", run_id], ["failed", "=", False]],
        fields=["product_id"],
    )
    assert len({result["product_id"][0] for result in results}) == len(results) == PRODUCTS
    jobs = odoo.call(
        "queue.job",
        "search_read",
        domain=[["state", "=", "done"], ["func_string", "ilike", "purchase.forecast.run.chunk"]],
        fields=["worker_pid"],
    )
    assert len(jobs) >= PRODUCTS // CHUNK
    print(
        f"\nqueued run: {PRODUCTS} products in {elapsed:.1f} s, "
        f"{len(jobs)} chunk jobs on {len({job['worker_pid'] for job in jobs})} processes"
    )
