import numpy as np
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import PurchaseBotCommon

TODAY = "2026-07-10"
MONTH_DAYS = 365.25 / 12


@tagged("post_install", "-at_install")
class TestPublishedViews(PurchaseBotCommon):
    """One forecast everywhere: the product tab, the plan line and the Telegram card read the
    same published run (kettle demand from July 2024 to June 2026, on 10 July 2026)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.purchase_plan_review_days = 30
        cls.product.seller_ids.delay = 45
        cls._history(range(24), lambda m: 8.0 + 4.0 * (m % 3) + 0.2 * m)

    @classmethod
    def _history(cls, months, quantity, key="kettle-views"):
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": cls.product.id,
                    "date": f"{2024 + (6 + m) // 12}-{(6 + m) % 12 + 1:02d}-10",
                    "quantity": quantity(m),
                    "key": f"{key}-{m}",
                }
                for m in months
            ]
        )

    def _run(self):
        with freeze_time(TODAY):
            run = (
                self.env["purchase.forecast.run"]
                .with_user(self.manager)
                .create(
                    {
                        "product_ids": [Command.set(self.product.ids)],
                        "period": "month",
                        "horizon": 12,
                    }
                )
            )
            run.action_run()
        return run

    def _views(self):
        """(the product tab's forecast per month, the plan line, the card) as the buyer sees
        them today."""
        with freeze_time(TODAY):
            product = self.product.with_user(self.buyer)
            product.invalidate_recordset()
            tab = product.forecast_chart["forecast"]["mean"]
            plan = (
                self.env["purchase.plan"]
                .with_user(self.buyer)
                .create({"product_ids": [Command.set(self.product.ids)]})
            )
            plan.action_compute()
            card = self.gateway.product_card(telegram_user_id="1001", product_id=self.product.id)
        return tab, plan.line_ids, card, product.forecast_result_id.run_id

    def _assert_agree(self, tab, line, card):
        """The plan's demand over lead time + review and the card's month, quarter and series
        are the tab's numbers."""
        cover = (line.lead_days + line.plan_id.review_days) / MONTH_DAYS
        weights = np.clip(cover - np.arange(len(tab)), 0.0, 1.0)
        self.assertAlmostEqual(line.expected_demand, float(weights @ np.array(tab)), places=3)
        ranges = card["product"]["forecast"]
        self.assertAlmostEqual(ranges["month"]["mean"], tab[0], places=2)
        self.assertAlmostEqual(ranges["quarter"]["mean"], sum(tab[:3]), places=2)
        self.assertAlmostEqual(ranges["year"]["mean"], sum(tab[:12]), places=2)
        series = [point["mean"] for point in card["series"]["forecast"]]
        self.assertEqual(len(series), len(tab))
        for shown, expected in zip(series, tab, strict=True):
            self.assertAlmostEqual(shown, expected, delta=1e-3)

    def test_tab_plan_and_card_read_the_same_published_run(self):
        """Published run A: the three views agree on A's numbers. A later run B over more
        demand changes none of them while unpublished; once published, all three move to B's
        numbers together."""
        first = self._run()
        first.with_user(self.manager).action_publish()
        tab, line, card, shown = self._views()
        self.assertEqual(shown, first)
        self.assertEqual(line.plan_id.forecast_run_id, first)
        self.assertEqual(line.state, "order")
        self._assert_agree(tab, line, card)

        # a big June: the next run forecasts more
        self._history([23], lambda m: 60.0, key="kettle-views-june")
        second = self._run()
        self.assertFalse(second.published)
        tab_b, line_b, card_b, shown_b = self._views()
        self.assertEqual(shown_b, first)
        self.assertEqual(tab_b, tab)
        self.assertAlmostEqual(line_b.expected_demand, line.expected_demand, places=6)
        self.assertEqual(card_b["product"]["forecast"], card["product"]["forecast"])

        second.with_user(self.manager).action_publish()
        tab_c, line_c, card_c, shown_c = self._views()
        self.assertEqual(shown_c, second)
        self.assertEqual(line_c.plan_id.forecast_run_id, second)
        self.assertGreater(sum(tab_c), sum(tab))
        self.assertGreater(line_c.expected_demand, line.expected_demand)
        self.assertGreater(
            card_c["product"]["forecast"]["year"]["mean"],
            card["product"]["forecast"]["year"]["mean"],
        )
        self._assert_agree(tab_c, line_c, card_c)

    def test_an_adjustment_moves_the_three_views_together(self):
        """A buyer's +30% on August to December raises the tab's forecast of those months by
        30% (July, begun, keeps its own), and with it the plan line's demand over lead time +
        review and the card's quarter: the three still agree, and the plan line names the
        adjustment."""
        run = self._run()
        run.with_user(self.manager).action_publish()
        tab, line, card, _shown = self._views()
        with freeze_time(TODAY):
            self.env["purchase.forecast.adjustment"].with_user(self.buyer).create(
                {
                    "product_id": self.product.id,
                    "date_from": "2026-08-01",
                    "date_to": "2026-12-31",
                    "value": 30.0,
                    "reason": "New clinic",
                }
            )
        tab_a, line_a, card_a, _shown = self._views()
        # July has begun: it keeps its forecast; August to December are adjusted
        self.assertAlmostEqual(tab_a[0], tab[0], delta=1e-6)
        for month in range(1, 6):
            self.assertAlmostEqual(tab_a[month], 1.3 * tab[month], delta=1e-3)
        self.assertAlmostEqual(tab_a[6], tab[6], delta=1e-6)
        self.assertGreater(line_a.expected_demand, line.expected_demand + 1.0)
        self.assertGreater(
            card_a["product"]["forecast"]["quarter"]["mean"],
            card["product"]["forecast"]["quarter"]["mean"] + 1.0,
        )
        self._assert_agree(tab_a, line_a, card_a)
        self.assertIn("+30%: New clinic", line_a.short_reason)
        self.assertIn(self.buyer.name, line_a.short_reason)
        self.assertIn("+30%: New clinic", line_a.explanation)
