import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.purchase_forecast import forecast_engine
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import PurchaseForecastCommon, perform_all_jobs

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestRunFaults(PurchaseForecastCommon):
    """Forecast runs as queue jobs: chunks, their retries and reports, workers dying, two runs
    starting at once."""

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
        """What a worker killed mid-run leaves: chunks pending, untouched for hours."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE purchase_forecast_run_chunk SET write_date = %s WHERE run_id = %s",
            [dt.datetime(2026, 7, 10, 1, 0), run.id],
        )
        run.chunk_ids.invalidate_recordset()

    def _counting_engine(self, calls):
        real = forecast_engine.forecast_with_state

        def counting(values, *args, **kwargs):
            calls.append(len(values))
            return real(values, *args, **kwargs)

        return patch.object(forecast_engine, "forecast_with_state", side_effect=counting)

    def _assert_each_product_once(self, run):
        self.assertEqual(run.result_ids.product_id, self.products)
        self.assertEqual(len(run.result_ids), len(self.products))
        first_date = min(run.line_ids.mapped("date"))
        dated = run.line_ids.filtered(lambda ln: ln.date == first_date)
        self.assertEqual(len(dated), len(self.products))
        self.assertEqual(dated.product_id, self.products)

    def test_large_run_is_split_into_chunk_jobs(self):
        """Six products with chunks of two: the run is running with three chunks of two
        products, one job each, keyed by chunk; nothing is forecast before they run."""
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products.ids})
        with freeze_time(TODAY), trap_jobs() as trap:
            run.with_user(self.forecast_manager).action_run()
            trap.assert_jobs_count(3)
            for chunk in run.chunk_ids:
                trap.assert_enqueued_job(
                    chunk._job_forecast,
                    properties={"identity_key": f"purchase.forecast.run.chunk:{chunk.id}:0"},
                )
        self.assertEqual(run.state, "running")
        self.assertEqual(run.chunk_ids.mapped("product_count"), [2, 2, 2])
        self.assertEqual(run.chunk_ids.product_ids, self.products)
        self.assertFalse(run.result_ids)
        self.assertRecordValues(
            run, [{"chunk_count": 3, "chunk_done_count": 0, "products_total": 6, "progress": 0}]
        )

    def test_progress_and_finish_after_last_chunk(self):
        """After one chunk of three the run shows 2 of 6 products done and the finish check
        that chunk asked for leaves it running; when the last chunk is done the run finishes
        and its lines become current."""
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products.ids})
        with freeze_time(TODAY), trap_jobs() as trap:
            run.action_run()
            first, *others = trap.enqueued_jobs
            trap.enqueued_jobs = others
            first.perform()
            finish = trap.enqueued_jobs.pop()  # the finish check the first chunk asked for
            self.assertEqual(finish.perform(), "2 chunks still pending")
            run.invalidate_recordset()
            self.assertRecordValues(
                run,
                [
                    {
                        "state": "running",
                        "chunk_done_count": 1,
                        "products_done": 2,
                        "products_total": 6,
                    }
                ],
            )
            self.assertAlmostEqual(run.progress, 100 / 3, places=3)
            perform_all_jobs(trap)
        self.assertRecordValues(
            run, [{"state": "done", "product_count": 6, "error_count": 0, "progress": 100}]
        )
        run.action_publish()
        self.assertTrue(all(run.line_ids.mapped("is_current")))
        self._assert_each_product_once(run)

    def test_jobs_give_the_results_of_one_process(self):
        """The same scope forecast in one process (one chunk) and by three chunk jobs gives
        the same forecasts and lines, product by product. The upper quantile may move a
        little: the engine calibrates its quantiles on the backtests of each call's series
        by demand class, and a chunk is one call."""
        Run = self.env["purchase.forecast.run"]
        with freeze_time(TODAY):
            self.env["ir.config_parameter"].set_param("purchase_forecast.batch_size", "100")
            single = Run.create({"product_ids": self.products.ids})
            single.action_run()
            self.env["ir.config_parameter"].set_param("purchase_forecast.batch_size", "2")
            with trap_jobs() as trap:
                split = Run.create({"product_ids": self.products.ids})
                split.action_run()
                perform_all_jobs(trap)
        self.assertEqual(len(single.chunk_ids), 1)
        self.assertEqual(len(split.chunk_ids), 3)
        fields_compared = ["method", "demand_class", "total_mean", "abc_class"]
        for product in self.products:
            with self.subTest(product=product.name):
                one = single.result_ids.filtered(lambda r, p=product: r.product_id == p)
                many = split.result_ids.filtered(lambda r, p=product: r.product_id == p)
                self.assertEqual(
                    one.read(fields_compared)[0] | {"id": 0},
                    many.read(fields_compared)[0] | {"id": 0},
                )
                self.assertAlmostEqual(many.total_high, one.total_high, delta=0.05 * one.total_high)
                lines_one = single.line_ids.filtered(lambda ln, p=product: ln.product_id == p)
                lines_many = split.line_ids.filtered(lambda ln, p=product: ln.product_id == p)
                self.assertEqual(
                    lines_one.sorted("date").mapped("quantity"),
                    lines_many.sorted("date").mapped("quantity"),
                )

    def test_killed_worker_resumes_each_product_once(self):
        """A worker dies after the first chunk (2 of 6 products stored) and the other jobs are
        lost; hours later the scheduled action enqueues the two pending chunks again, which
        forecast only the 4 missing products: every product exactly once."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        with freeze_time("2026-07-10 00:30"), trap_jobs() as trap:
            run.action_run()
            trap.enqueued_jobs[0].perform()
        self._stale(run)
        calls = []
        with freeze_time("2026-07-10 05:00"), self._counting_engine(calls), trap_jobs() as trap:
            Run._cron_process_runs()
            trap.assert_jobs_count(2)
            perform_all_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual(sum(calls), 4)
        self.assertEqual(run.product_count, 6)
        self._assert_each_product_once(run)

    def test_repeated_chunk_job_does_nothing_twice(self):
        """A chunk enqueued twice while its job waits gets one job; a job performed again
        after its chunk is done (a runner re-sending it), while the run is still running or
        after it finished, forecasts nothing."""
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products.ids})
        calls = []
        with freeze_time(TODAY), self._counting_engine(calls), trap_jobs() as trap:
            run.action_run()
            run.chunk_ids[:1]._enqueue()
            trap.assert_jobs_count(3)
            jobs = list(trap.enqueued_jobs)
            jobs[0].perform()
            jobs[0].perform()
            self.assertEqual((run.state, sum(calls)), ("running", 2))
            perform_all_jobs(trap)
            self.assertEqual(sum(calls), 6)
            for job in jobs:
                job.perform()
            perform_all_jobs(trap)
        self.assertEqual(sum(calls), 6)
        self._assert_each_product_once(run)

    def test_recent_running_run_is_not_taken_over(self):
        """Chunks enqueued minutes ago are left to their jobs: the scheduled action enqueues
        nothing more."""
        Run = self.env["purchase.forecast.run"]
        run = Run.create({"product_ids": self.products.ids})
        with freeze_time("2026-07-10 04:55"), trap_jobs():
            run.action_run()
            self.env.flush_all()
        with freeze_time("2026-07-10 05:00"), trap_jobs() as trap:
            Run._cron_process_runs()
            trap.assert_jobs_count(0)
        self.assertEqual(run.state, "running")
        self.assertFalse(run.result_ids)

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
            patch.object(forecast_engine, "forecast_with_state", side_effect=ValueError("boom")),
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_run"),
            trap_jobs() as trap,
        ):
            run.action_run()
            perform_all_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual((run.product_count, run.error_count), (0, 6))
        self.assertEqual(set(run.result_ids.mapped("error")), {"boom"})

    def _failing_store(self, bad_product):
        real = type(self.env["purchase.forecast.run"])._store_batch
        calls = []

        def store(run, panel, outcomes, errors):
            calls.append(list(panel.product_ids))
            real(run, panel, outcomes, errors)
            if bad_product.id in panel.product_ids:
                raise RuntimeError("disk full")

        return calls, patch.object(type(self.env["purchase.forecast.run"]), "_store_batch", store)

    def test_failed_chunk_is_retried_then_reported(self):
        """A crash while storing the second chunk, every time: that chunk is tried three
        times in three jobs, then reported on the run with its error; the other chunks'
        products are forecast and current, and the run finishes."""
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products.ids})
        calls, failing = self._failing_store(self.products[2])
        with (
            freeze_time(TODAY),
            failing,
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_run_chunk"),
            trap_jobs() as trap,
        ):
            run.action_run()
            perform_all_jobs(trap)
        bad_chunk = run.chunk_ids[1]
        self.assertEqual(sum(1 for ids in calls if self.products[2].id in ids), 3)
        self.assertRecordValues(bad_chunk, [{"state": "failed", "attempts": 3}])
        self.assertIn("disk full", bad_chunk.error)
        self.assertEqual(run.failed_chunk_ids, bad_chunk)
        self.assertRecordValues(
            run, [{"state": "done", "product_count": 4, "error_count": 2, "chunk_failed_count": 1}]
        )
        self.assertIn("disk full", run.error_message)
        self.assertEqual(run.result_ids.product_id, self.products - self.products[2:4])
        # a partial run is never published
        with self.assertRaisesRegex(UserError, "partial"):
            run.action_publish()
        self.assertFalse(any(run.line_ids.mapped("is_current")))

    def test_retry_button_completes_the_run(self):
        """Once the cause is gone, a Forecast Manager's Retry on the failed chunk forecasts its
        two products in a new job and the run finishes again with all six; a Forecast User
        may not retry."""
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products.ids})
        _calls, failing = self._failing_store(self.products[2])
        with (
            freeze_time(TODAY),
            failing,
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_run_chunk"),
            trap_jobs() as trap,
        ):
            run.action_run()
            perform_all_jobs(trap)
        chunk = run.failed_chunk_ids
        with self.assertRaises(UserError):
            chunk.with_user(self.forecast_user).action_retry()
        with freeze_time(TODAY), trap_jobs() as trap:
            chunk.with_user(self.forecast_manager).action_retry()
            self.assertEqual(run.state, "running")
            trap.assert_jobs_count(1, only=chunk._job_forecast)
            perform_all_jobs(trap)
        self.assertRecordValues(
            run, [{"state": "done", "product_count": 6, "error_count": 0, "error_message": False}]
        )
        self._assert_each_product_once(run)
