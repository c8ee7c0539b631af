import datetime as dt
from unittest.mock import patch

import numpy as np
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast import forecast_engine
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import PurchaseForecastCommon, perform_all_jobs

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestForecastRun(PurchaseForecastCommon):
    """Forecast runs over imported monthly history from July 2024 to June 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_horizon": 6, "forecast_nightly_run": False})
        rng = np.random.default_rng(7)
        cls.products = cls.env["product.product"].concat(
            *(cls._product(f"Item {i:02d}") for i in range(50))
        )
        history = []
        for index, product in enumerate(cls.products):
            level = 5 + index
            for month in range(24):
                quantity = float(rng.poisson(level)) if index % 5 else float(month % 3 == 0) * 9
                history.append(cls._history_vals(product, month, quantity))
        cls.env["purchase.forecast.history"].create(history)

    @classmethod
    def _history_vals(cls, product, month, quantity):
        day = dt.date(2024 + (6 + month) // 12, (6 + month) % 12 + 1, 15)
        return {
            "product_id": product.id,
            "date": day,
            "quantity": quantity,
            "key": f"{product.id}-{day}",
            "company_id": cls.company.id,
        }

    def _forecast(self, values, publish=False):
        with freeze_time(TODAY):
            run = self.env["purchase.forecast.run"].with_user(self.forecast_manager).create(values)
            run.action_run()
            if publish:
                run.action_publish()
        return run.sudo()

    def test_run_stores_lines_and_results(self):
        """A run over 50 products stores, per product, a result and one line per period of
        the horizon, with a band around the expected demand."""
        run = self._forecast({"product_ids": self.products.ids})
        self.assertEqual(run.state, "done")
        self.assertEqual(run.product_count, 50)
        self.assertEqual(run.error_count, 0)
        self.assertEqual(run.date_start, dt.date(2026, 7, 1))
        self.assertEqual(len(run.result_ids), 50)
        self.assertEqual(run.line_count, 50 * 6)
        lines = run.line_ids.filtered(lambda line: line.product_id == self.products[10])
        self.assertEqual(
            lines.sorted("date").mapped("date"),
            [dt.date(2026, month, 1) for month in range(7, 13)],
        )
        for line in run.line_ids:
            self.assertGreaterEqual(line.quantity_low, 0)
            self.assertLessEqual(line.quantity_low, line.quantity_median + 1e-9)
            self.assertLessEqual(line.quantity_median, line.quantity_high + 1e-9)
        steady = run.result_ids.filtered(lambda r: r.product_id == self.products[41])
        # about 46 a month: the forecast for six months lands near 276
        self.assertAlmostEqual(steady.total_mean, 46 * 6, delta=46 * 6 * 0.25)
        self.assertEqual(steady.demand_class, "smooth")
        self.assertIn(steady.abc_class, ("A", "B"))
        sparse = run.result_ids.filtered(lambda r: r.product_id == self.products[0])
        self.assertIn(sparse.demand_class, ("intermittent", "lumpy"))
        self.assertIn("forecast by", sparse.explanation)

    def test_every_engine_method_is_named_in_words(self):
        """Whatever method the engine picks, the forecast's explanation names it in words (the
        intermittent combination by its members), never by its code."""
        result = self.env["purchase.forecast.result"].new({})
        for method in forecast_engine.METHOD_LABELS:
            result.method = method
            self.assertNotEqual(result._method_label(), method, method)
        result.method = "comb_intermittent"
        self.assertEqual(result._method_label(), "a combination of SBA, TSB and the historic mean")

    def test_empty_create_takes_defaults_and_every_product(self):
        """An integrator's create({}) gives a run of the current company with the settings'
        defaults that covers every product with history."""
        self.company.write({"forecast_period": "month", "forecast_service_level": 97.0})
        run = self._forecast({})
        self.assertEqual(run.company_id, self.company)
        self.assertEqual(run.horizon, 6)
        self.assertEqual(run.service_level, 97.0)
        self.assertEqual(run.result_ids.product_id, self.products)

    def test_failing_product_is_logged_and_skipped(self):
        """One product the engine cannot forecast is recorded as failed with its error; the
        others are forecast and the run finishes."""
        real = forecast_engine.forecast_with_state
        broken = self.products[3]
        self.env["purchase.forecast.history"].search(
            [("product_id", "=", broken.id)], limit=1
        ).quantity = 7777

        def engine(values, *args, **kwargs):
            if np.nanmax(values) >= 7777:
                raise ValueError("corrupt series")
            return real(values, *args, **kwargs)

        with (
            patch.object(forecast_engine, "forecast_with_state", side_effect=engine),
            self.assertLogs("odoo.addons.purchase_forecast", "WARNING") as logs,
        ):
            run = self._forecast({"product_ids": self.products[:10].ids})
        self.assertEqual(run.state, "done")
        self.assertEqual((run.product_count, run.error_count), (9, 1))
        failed = run.failed_result_ids
        self.assertEqual(failed.product_id, broken)
        self.assertIn("corrupt series", failed.error)
        self.assertIn("corrupt series", logs.output[0])
        self.assertFalse(run.line_ids.filtered(lambda line: line.product_id == broken))

    def test_other_company_cannot_read_forecasts(self):
        """A Forecast User of company B sees none of company A's runs, lines or results."""
        run = self._forecast({"product_ids": self.products[:3].ids})
        other = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="pf_buyer_b",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        Line = self.env["purchase.forecast.line"].with_user(user_b)
        self.assertFalse(Line.search([]))
        with self.assertRaises(AccessError):
            run.line_ids[0].with_user(user_b).read(["quantity"])
        with self.assertRaises(AccessError):
            run.with_user(user_b).read(["name"])
        # while a buyer of company A reads them
        self.assertEqual(
            len(self.env["purchase.forecast.line"].with_user(self.forecast_user).search([])), 18
        )

    def test_only_managers_run_forecasts(self):
        """A Forecast User can neither create nor run a forecast."""
        with self.assertRaises(AccessError):
            self.env["purchase.forecast.run"].with_user(self.forecast_user).create({})
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products[:2].ids})
        with self.assertRaises(UserError):
            run.with_user(self.forecast_user).action_run()
        self.assertEqual(run.state, "draft")

    def test_same_scope_never_runs_twice_at_once(self):
        """While a run of a scope is running, another run of that scope refuses to start."""
        Run = self.env["purchase.forecast.run"]
        first = Run.create({"product_ids": self.products[:2].ids})
        first.state = "running"
        second = Run.create({"product_ids": self.products[:2].ids})
        self.assertEqual(first.scope_key, second.scope_key)
        with self.assertRaisesRegex(UserError, first.name):
            second.with_user(self.forecast_manager).action_run()
        other_scope = Run.create({"product_ids": self.products[2:4].ids})
        other_scope.with_user(self.forecast_manager).action_run()
        self.assertEqual(other_scope.state, "done")

    def test_nightly_cron_twice_creates_one_run(self):
        """The scheduled action run twice the same night forecasts each company once."""
        self.company.forecast_nightly_run = True
        Run = self.env["purchase.forecast.run"]
        with freeze_time(TODAY), trap_jobs() as trap:
            Run._cron_process_runs()
            Run._cron_process_runs()
            perform_all_jobs(trap)
        nightly = Run.search([("scheduled", "=", True), ("company_id", "=", self.company.id)])
        self.assertEqual(len(nightly), 1)
        self.assertEqual(nightly.state, "done")
        self.assertEqual(nightly.result_ids.product_id, self.products)

    def test_background_run_is_forecast_by_jobs(self):
        """A run sent to the background is started by a queue job, which enqueues one job
        per chunk of products (here 3 of at most 7); once they are performed the run is done."""
        self.env["ir.config_parameter"].set_param("purchase_forecast.batch_size", "7")
        run = self.env["purchase.forecast.run"].create({"product_ids": self.products[:20].ids})
        with freeze_time(TODAY), trap_jobs() as trap:
            run.with_user(self.forecast_manager).action_queue()
            self.assertEqual(run.state, "queued")
            trap.assert_jobs_count(1, only=run._job_start)
            trap.perform_enqueued_jobs()
            self.assertEqual(run.state, "running")
            trap.assert_jobs_count(3)
            perform_all_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.result_ids), 20)

    def test_later_run_scores_earlier_forecast(self):
        """Three months later, the next run records what really happened in the months the
        first run forecast, and the first run shows its accuracy."""
        first = self._forecast({"product_ids": self.products[40:45].ids})
        actual = [
            self._history_vals(p, month, 50.0) for p in first.product_ids for month in (24, 25, 26)
        ]
        self.env["purchase.forecast.history"].create(actual)
        with freeze_time("2026-10-05"):
            second = self.env["purchase.forecast.run"].create(
                {"product_ids": first.product_ids.ids}
            )
            second.with_user(self.forecast_manager).action_run()
        scored = first.line_ids.filtered("actual_known")
        self.assertEqual(len(scored), 5 * 3)
        self.assertEqual(set(scored.mapped("actual_quantity")), {50.0})
        self.assertEqual(first.actual_line_count, 15)
        self.assertAlmostEqual(first.mean_abs_error, sum(scored.mapped("abs_error")) / 15, places=4)
        self.assertFalse(second.line_ids.filtered("actual_known"))

    def test_old_runs_are_cleaned_but_latest_kept(self):
        """Runs past the retention are deleted, except the latest run of each scope."""
        self.company.forecast_retention_days = 30
        with freeze_time("2026-01-10"):
            old = self.env["purchase.forecast.run"].create({"product_ids": self.products[:1].ids})
            old.with_user(self.forecast_manager).action_run()
            kept = self.env["purchase.forecast.run"].create({"product_ids": self.products[1:2].ids})
            kept.with_user(self.forecast_manager).action_run()
        newer = self._forecast({"product_ids": self.products[:1].ids})
        self.env["purchase.forecast.run"]._cleanup_old_runs()
        self.assertFalse(old.exists())
        self.assertTrue(kept.exists())
        self.assertTrue(newer.exists())

    def test_daily_repeats_are_cleaned_snapshots_kept(self):
        """Nightly runs repeat within a month: after two days only the month's first run (the
        snapshot scored later) and the latest stay."""
        runs = []
        for day in (1, 2, 3, 4):
            with freeze_time(f"2026-07-0{day} 02:00"):
                run = self.env["purchase.forecast.run"].create(
                    {"product_ids": self.products[:2].ids}
                )
                run.with_user(self.forecast_manager).action_run()
                runs.append(run)
        with freeze_time("2026-07-10 02:00"):
            self.env["purchase.forecast.run"]._cleanup_old_runs()
        self.assertEqual([bool(run.exists()) for run in runs], [True, False, False, True])

    def test_product_forecast_tab_and_graph(self):
        """The product form shows the published forecast in words and as a graph, and its
        smart button opens the forecast lines as a graph; a run not published shows nothing."""
        run = self._forecast({"product_ids": self.products[:5].ids})
        product = self.products[2].with_user(self.forecast_user)
        self.assertFalse(product.forecast_result_id)
        run.with_user(self.forecast_manager).action_publish()
        product.invalidate_recordset()
        template = self.products[2].product_tmpl_id.with_user(self.forecast_user)
        with freeze_time(TODAY):
            self.assertTrue(template.forecast_result_id)
            self.assertIn("forecast by", template.forecast_explanation)
            chart = template.forecast_chart
        self.assertEqual(len(chart["forecast"]["mean"]), 6)
        self.assertEqual(len(chart["history"]["values"]), len(chart["history"]["dates"]))
        self.assertGreater(template.forecast_next_quantity, 0)
        action = template.action_open_forecast()
        self.assertEqual(action["res_model"], "purchase.forecast.line")
        self.assertEqual(action["views"][0][1], "graph")
        lines = (
            self.env["purchase.forecast.line"]
            .with_user(self.forecast_user)
            .search(action["domain"])
        )
        self.assertEqual(len(lines), 6)

    def test_settings_apply_to_new_runs(self):
        """Defaults saved in the settings are what a new run starts with."""
        self.company.write({"forecast_period": "quarter", "forecast_horizon": 4})
        run = self.env["purchase.forecast.run"].create({})
        self.assertEqual((run.period, run.horizon), ("quarter", 4))

    def test_engine_from_inside_odoo(self):
        """The pure engine works inside Odoo's process: a constant series forecasts itself."""
        forecast = forecast_engine.forecast_panel(np.full((1, 24), 4.0), 3)
        np.testing.assert_allclose(forecast.mean, np.full((1, 3), 4.0), rtol=0.05)

    def test_current_lines_count_each_product_once(self):
        """The Forecast screens sum the published runs' lines: a product's lines stop being
        current when a later quantity run that forecasts it is published (for its warehouse
        or the company), not when a value run is; a product the warehouse's run left out keeps
        the company's forecast, and a new company-wide run replaces all of the previous one."""
        first = self._forecast({"product_ids": self.products[:3].ids}, publish=True)
        north = self.env["stock.warehouse"].create({"name": "North", "code": "NTH"})
        second = self._forecast(
            {"product_ids": self.products[:2].ids, "warehouse_ids": north.ids}, publish=True
        )
        self.env["purchase.forecast.history"].search(
            [("product_id", "in", self.products[:2].ids)]
        ).write({"amount": 100.0})
        values = self._forecast(
            {"product_ids": self.products[:2].ids, "measure": "amount"}, publish=True
        )
        self.assertTrue(values.line_ids)
        self.assertTrue(all(values.line_ids.mapped("is_current")))
        self.assertTrue(all(second.line_ids.mapped("is_current")))
        current = first.line_ids.filtered("is_current")
        self.assertEqual(current.product_id, self.products[2])
        self.assertEqual(len(current), 6)
        Line = self.env["purchase.forecast.line"].with_user(self.forecast_user)
        counted = Line.search_count([("is_current", "=", True), ("measure", "=", "quantity")])
        self.assertEqual(counted, 3 * 6)
        third = self._forecast({"product_ids": self.products[:1].ids}, publish=True)
        self.assertFalse(first.published or any(first.line_ids.mapped("is_current")))
        self.assertEqual(second.line_ids.filtered("is_current").product_id, self.products[1])
        counted = Line.search_count([("is_current", "=", True), ("measure", "=", "quantity")])
        self.assertEqual(counted, 2 * 6)
        self.assertTrue(all(third.line_ids.mapped("is_current")))
