import datetime as dt

import numpy as np
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.purchase_forecast import forecast_engine

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestRunQuality(PurchaseForecastCommon):
    """What a buyer reads about a run's quality and a product's method: 40 steady and 10
    occasional products with monthly history from July 2024 to June 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_horizon": 6, "forecast_nightly_run": False})
        rng = np.random.default_rng(7)
        cls.products = cls.env["product.product"].concat(
            *(cls._product(f"Quality Item {i:02d}") for i in range(50))
        )
        history = []
        for index, product in enumerate(cls.products):
            for month in range(24):
                quantity = float(rng.poisson(5 + index)) if index % 5 else float(month % 3 == 0) * 9
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

    def _forecast(self, products, day=TODAY):
        with freeze_time(day):
            run = (
                self.env["purchase.forecast.run"]
                .with_user(self.forecast_manager)
                .create({"product_ids": products.ids})
            )
            run.action_run()
        return run

    def test_quality_by_demand_class(self):
        """The run's Quality page lists each demand class with its products, their share of
        the run and the mean backtest error of their methods, and the run's mean backtest
        error is that of its products."""
        run = self._forecast(self.products)
        results = run.result_ids
        classes = set(results.mapped("demand_class"))
        self.assertIn("smooth", classes)
        self.assertTrue(classes & {"intermittent", "lumpy"}, classes)
        table = str(run.quality_table)
        for klass in classes:
            label = dict(results._fields["demand_class"]._description_selection(self.env))[klass]
            count = len(results.filtered(lambda r, k=klass: r.demand_class == k))
            self.assertIn(f"<td>{label}</td><td class='text-end'>{count}</td>", table)
        smooth = results.filtered(lambda r: r.demand_class == "smooth")
        self.assertIn(f"{round(100 * len(smooth) / 50)}%", table)
        self.assertAlmostEqual(
            run.backtest_error_avg,
            sum(results.mapped("backtest_error")) / len(results),
            places=2,
        )
        self.assertFalse(run.scored_run_id)
        arch = run.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="quality_table"', arch)
        self.assertIn('name="scored_band_coverage"', arch)

    def test_last_forecast_vs_actual_of_the_scope(self):
        """Three months later a run of the same scope scores the first one: the new run's
        Quality page shows that score (band coverage, mean absolute error) and which run it
        belongs to; a run of another scope shows none."""
        first = self._forecast(self.products[40:45])
        self.env["purchase.forecast.history"].create(
            [
                self._history_vals(p, month, 50.0)
                for p in self.products[40:45]
                for month in (24, 25, 26)
            ]
        )
        second = self._forecast(self.products[40:45], day="2026-10-05")
        self.assertEqual(first.actual_line_count, 15)
        self.assertEqual(second.scored_run_id, first)
        self.assertRecordValues(
            second,
            [
                {
                    "scored_line_count": 15,
                    "scored_band_coverage": first.band_coverage,
                    "scored_mean_abs_error": first.mean_abs_error,
                }
            ],
        )
        other = self._forecast(self.products[:3], day="2026-10-05")
        self.assertFalse(other.scored_run_id)

    def test_method_is_shown_by_its_label(self):
        """Demand Patterns shows the method's name ("Theta method"), not its key
        ("theta"): the field is a selection of the engine's labels, so the list, the form and
        its groups all read the name; and the list opens on the products with
        the longest history."""
        run = self._forecast(self.products[:10])
        Result = self.env["purchase.forecast.result"]
        labels = dict(Result._fields["method"]._description_selection(self.env))
        self.assertEqual(labels["theta"], "Theta method")
        self.assertEqual(set(labels), set(forecast_engine.METHOD_LABELS))
        for result in run.result_ids:
            self.assertNotIn("_", labels[result.method])
        arch = Result.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('default_order="history_periods desc', arch)
