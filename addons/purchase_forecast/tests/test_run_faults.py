import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.purchase_forecast import forecast_engine

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestRunFaults(PurchaseForecastCommon):
    """Forecast runs when the process doing them dies, or two start at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_horizon": 3, "forecast_nightly_run": False})
        cls.products = cls.env["product.product"].concat(
            *(cls._product(f"Fault item {i}") for i in range(6))
        )
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": dt.date(2025 + month // 12, month % 12 + 1, 15),
                    "quantity": 3.0 + (month + index) % 4,
                    "key": f"fault-{product.id}-{month}",
                }
                for index, product in enumerate(cls.products)
                for month in range(18)
            ]
        )
        cls.env["ir.config_parameter"].set_param("purchase_forecast.batch_size", "2")

    def _stale(self, run):
        """What a worker killed mid-run leaves: state running, not touched for hours."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE purchase_forecast_run SET write_date = %s WHERE id = %s",
            [dt.datetime(2026, 7, 10, 1, 0), run.id],
        )
        run.invalidate_recordset()

    def test_killed_worker_resumes_each_product_once(self):
        """A worker dies after the first batch (2 of 6 products stored); the next scheduled
        pass takes the stale run over, forecasts only the 4 missing products and finishes
        with every product exactly once."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        with freeze_time("2026-07-10 00:30"):
            run._start()
            run._forecast_batch(self.products[:2])
        self._stale(run)
        calls = []
        real = forecast_engine.forecast_panel

        def counting(values, *args, **kwargs):
            calls.append(len(values))
            return real(values, *args, **kwargs)

        with (
            freeze_time("2026-07-10 05:00"),
            patch.object(forecast_engine, "forecast_panel", side_effect=counting),
        ):
            Run._cron_process_runs()
        self.assertEqual(run.state, "done")
        self.assertEqual(sum(calls), 4)
        self.assertEqual(len(run.result_ids), 6)
        self.assertEqual(run.result_ids.product_id, self.products)
        self.assertEqual(run.product_count, 6)
        per_product = {p.id: 0 for p in self.products}
        for line in run.line_ids.filtered(lambda ln: ln.date == run.line_ids[:1].date):
            per_product[line.product_id.id] += 1
        self.assertEqual(set(per_product.values()), {1})

    def test_recent_running_run_is_not_taken_over(self):
        """A run another worker is still doing (touched minutes ago) is left alone."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        with freeze_time("2026-07-10 04:55"):
            run._start()
            run._forecast_batch(self.products[:2])
            self.env.flush_all()
        with freeze_time("2026-07-10 05:00"):
            Run._cron_process_runs()
        self.assertEqual(run.state, "running")
        self.assertEqual(len(run.result_ids), 2)

    @mute_logger("odoo.sql_db")
    def test_database_refuses_two_running_runs_of_one_scope(self):
        """Even two workers that both passed the check at the same instant cannot both mark
        runs of one scope running: the database's unique index refuses the second."""
        Run = self.env["purchase.forecast.run"]
        first = Run.create({"product_ids": self.products.ids})
        second = Run.create({"product_ids": self.products.ids})
        first.state = "running"
        self.env.flush_all()
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            second.state = "running"
            self.env.flush_all()

    def test_engine_crash_on_every_product_is_reported(self):
        """The engine crashing on every batch and on each product alone: each product is
        recorded as failed with the error, and the run still finishes."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        with (
            freeze_time(TODAY),
            patch.object(forecast_engine, "forecast_panel", side_effect=ValueError("boom")),
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_run"),
        ):
            run.action_run()
        self.assertEqual(run.state, "done")
        self.assertEqual((run.product_count, run.error_count), (0, 6))
        self.assertEqual(set(run.result_ids.mapped("error")), {"boom"})

    def test_crash_while_storing_fails_the_background_run_cleanly(self):
        """A crash outside the engine in a background run (here while storing the second
        batch) marks the run failed with the error; what the failed batch began to store is
        rolled back, the batches committed before stay."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        real = type(run)._store_batch
        calls = []

        def store(self, panel, outcomes, errors):
            calls.append(len(outcomes))
            if len(calls) == 2:
                real(self, panel, outcomes, errors)
                raise RuntimeError("disk full")
            return real(self, panel, outcomes, errors)

        def rollback():
            self.env.cr.execute("ROLLBACK TO SAVEPOINT fault")
            self.env.invalidate_all(flush=False)

        with (
            freeze_time(TODAY),
            patch.object(type(run), "_store_batch", store),
            # the job's rollback, inside the test's transaction
            patch.object(self.env.cr, "rollback", rollback),
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_run"),
        ):
            run._start()
            run._forecast_batch(self.products[:2])
            self.env.flush_all()
            self.env.cr.execute("SAVEPOINT fault")
            run._process(commit=True)
        run.invalidate_recordset()
        self.assertEqual(run.state, "failed")
        self.assertIn("disk full", run.error_message)
        self.assertEqual(run.result_ids.product_id, self.products[:2])
