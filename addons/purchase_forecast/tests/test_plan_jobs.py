import datetime as dt
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import PurchaseForecastCommon, perform_all_jobs

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestPlanJobs(PurchaseForecastCommon):
    """Purchase plans over more products than the threshold, computed by queue jobs (here:
    threshold 4, chunks of 3, plans of 8 products)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_nightly_run": False, "purchase_plan_review_days": 30})
        cls.products = cls.env["product.product"].concat(
            *(cls._product(f"Plan job item {i}") for i in range(8))
        )
        cls.products.seller_ids.write({"delay": 14, "price": 10.0})
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": 10.0 + index + m % 3,
                    "key": f"plan-job-{product.id}-{m}",
                }
                for index, product in enumerate(cls.products)
                for m in range(24)
            ]
        )
        cls._publish_forecast(cls.products, TODAY)
        Param = cls.env["ir.config_parameter"]
        Param.set_param("purchase_forecast.plan_job_threshold", "4")
        Param.set_param("purchase_forecast.batch_size", "3")

    def _plan(self):
        return (
            self.env["purchase.plan"]
            .with_user(self.forecast_user)
            .create({"product_ids": [Command.set(self.products.ids)]})
        )

    def _first_of_chain(self, trap):
        """The chain's first job (the first chunk): the one depending on no other."""
        [first] = [job for job in trap.enqueued_jobs if not job.depends_on]
        return first

    def _lines(self, plan):
        return {
            line.product_id.id: (line.quantity, line.vendor_id.id, line.priority)
            for line in plan.line_ids
        }

    def test_large_plan_is_computed_by_a_chain_of_jobs(self):
        """Compute returns at once with the plan computing (nothing ordered yet, RFQs refused);
        three chunk jobs and a finishing one follow; the progress shows 3 of 8 after the first;
        at the end the plan is computed, with the same lines as when computed at once, and
        its buyer has a message."""
        plan = self._plan()
        with freeze_time(TODAY), trap_jobs() as trap:
            plan.action_compute()
            self.assertRecordValues(
                plan, [{"state": "draft", "compute_state": "running", "compute_total": 8}]
            )
            trap.assert_jobs_count(3, only=plan._job_compute_chunk)
            trap.assert_jobs_count(1, only=plan._job_finish_compute)
            with self.assertRaises(UserError):
                plan.action_create_rfqs()
            with self.assertRaises(UserError):
                plan.action_compute()
            first = self._first_of_chain(trap)
            trap.enqueued_jobs.remove(first)
            first.perform()
            self.assertEqual((plan.compute_done, len(plan.line_ids)), (3, 3))
            self.assertAlmostEqual(plan.compute_progress, 100 * 3 / 8)
            perform_all_jobs(trap)
        self.assertRecordValues(plan, [{"state": "computed", "compute_state": False}])
        self.assertEqual(plan.line_ids.product_id, self.products)
        message = plan.message_ids[:1]
        self.assertIn("The plan is computed", message.body)
        self.assertIn(plan.user_id.partner_id, message.partner_ids)
        self.env["ir.config_parameter"].set_param("purchase_forecast.plan_job_threshold", "100")
        at_once = self._plan()
        with freeze_time(TODAY):
            at_once.action_compute()
        self.assertEqual(at_once.state, "computed")
        self.assertEqual(self._lines(at_once), self._lines(plan))

    def test_chunk_job_performed_again_adds_nothing(self):
        """A chunk job performed twice (a runner re-sending it) writes its lines once."""
        plan = self._plan()
        with freeze_time(TODAY), trap_jobs() as trap:
            plan.action_compute()
            first = self._first_of_chain(trap)
            first.perform()
            first.perform()
            self.assertEqual(len(plan.line_ids), 3)
            perform_all_jobs(trap)
        self.assertEqual(len(plan.line_ids), 8)
        self.assertEqual(plan.line_ids.product_id, self.products)

    def test_failing_chunk_is_reported_to_the_buyer(self):
        """The second chunk crashes: the plan shows the failure and its error, stays a draft
        without RFQs, the buyer is told; computing again once fixed completes it."""
        plan = self._plan()
        Plan = type(plan)
        real = Plan._compute_batch

        second_chunk = set(self.products[3:6].ids)

        def crash(plan_self, products):
            if second_chunk & set(products.ids):
                raise RuntimeError("vendor list unreadable")
            return real(plan_self, products)

        with (
            freeze_time(TODAY),
            trap_jobs() as trap,
            patch.object(Plan, "_compute_batch", crash),
            mute_logger("odoo.addons.purchase_forecast.models.purchase_plan"),
        ):
            plan.action_compute()
            perform_all_jobs(trap)
        self.assertRecordValues(plan, [{"state": "draft", "compute_state": "failed"}])
        self.assertIn("vendor list unreadable", plan.compute_error)
        self.assertEqual(plan.line_ids.product_id, self.products[:3])
        self.assertIn("Computing the plan failed", plan.message_ids[:1].body)
        with freeze_time(TODAY), trap_jobs() as trap:
            plan.action_compute()
            perform_all_jobs(trap)
        self.assertRecordValues(plan, [{"state": "computed", "compute_state": False}])
        self.assertEqual(plan.line_ids.product_id, self.products)

    def test_small_plan_is_computed_at_once(self):
        """A plan at or below the threshold is computed in the request: no job."""
        self.env["ir.config_parameter"].set_param("purchase_forecast.plan_job_threshold", "8")
        plan = self._plan()
        with freeze_time(TODAY), trap_jobs() as trap:
            plan.action_compute()
            trap.assert_jobs_count(0)
        self.assertRecordValues(plan, [{"state": "computed", "compute_state": False}])
        self.assertEqual(len(plan.line_ids), 8)
