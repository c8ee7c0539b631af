import datetime as dt

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast.models.purchase_plan_line import WORKFLOW

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestPlanSecurity(PurchaseForecastCommon):
    """What a buyer with only an API key can do to a plan (JSON-2 writes any field and calls
    any public method, without the views' readonly): nothing that skips an approval, edits
    what was approved or reads a colleague's budget."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "forecast_nightly_run": False,
                "purchase_plan_review_days": 30,
                "purchase_plan_approval_amount": 100.0,
            }
        )
        cls.paper = cls._product("Paper A4")
        cls.paper.seller_ids.delay = 30
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": cls.paper.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": 30.0 + (m % 3 - 1) * 3.0,
                    "key": f"paper-{m}",
                }
                for m in range(24)
            ]
        )

    def _computed_plan(self, user=None):
        self._publish_forecast(self.paper, TODAY)
        with freeze_time(TODAY):
            plan = (
                self.env["purchase.plan"]
                .with_user(user or self.forecast_user)
                .create({"product_ids": [Command.set(self.paper.ids)]})
            )
            plan.action_compute()
        self.assertTrue(plan.approval_required)
        return plan

    def _approved_plan(self):
        plan = self._computed_plan()
        plan.action_request_approval()
        plan.with_user(self.forecast_manager).action_approve()
        return plan

    def test_buyer_cannot_approve_by_writing_the_state(self):
        """Writing state "approved" and an approver on one's own plan is refused, and the plan
        still needs a manager before any RFQ is created."""
        plan = self._computed_plan()
        for values in (
            {"state": "approved", "approved_by_id": self.forecast_manager.id},
            {"state": "approved"},
            {"approved_by_id": self.forecast_manager.id},
        ):
            with self.assertRaises(AccessError):
                plan.write(values)
        self.assertEqual(plan.state, "computed")
        with self.assertRaisesRegex(UserError, "approval"):
            plan.action_create_rfqs()
        self.assertFalse(plan.order_ids)

    def test_buyer_cannot_create_an_approved_plan(self):
        """A plan created already approved (or done) is refused; a draft one is fine."""
        Plan = self.env["purchase.plan"].with_user(self.forecast_user)
        for values in (
            {"state": "approved", "approved_by_id": self.forecast_manager.id},
            {"state": "done"},
        ):
            with self.assertRaises(AccessError):
                Plan.create({"product_ids": [Command.set(self.paper.ids)], **values})
        self.assertEqual(Plan.create({"state": "draft"}).state, "draft")

    def test_approved_plan_lines_are_frozen(self):
        """After a manager approved 20, the buyer cannot order 1,000 instead, nor add or delete
        lines; the RFQ carries what was approved."""
        plan = self._approved_plan()
        line = plan.line_ids.filtered(lambda ln: ln.state == "order")
        approved_quantity = line.quantity
        with self.assertRaisesRegex(UserError, "approved"):
            line.write({"quantity": 1000})
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            self.env["purchase.plan.line"].with_user(self.forecast_user).create(
                {"plan_id": plan.id, "product_id": self.paper.id, "quantity": 1000}
            )
        plan.action_create_rfqs()
        self.assertEqual(plan.order_ids.order_line.product_qty, approved_quantity)
        with self.assertRaises(UserError):
            line.write({"quantity": 1000})

    def test_plan_changed_while_waiting_cannot_be_approved(self):
        """A line changed by the superuser behind the workflow's back (or by an old client)
        after the request: the manager's approval is refused, and no RFQ can be created;
        rejecting and sending it again works."""
        plan = self._computed_plan()
        plan.action_request_approval()
        token = plan._approval_token()
        line = plan.line_ids.filtered(lambda ln: ln.state == "order")
        line.with_context(purchase_plan_workflow=WORKFLOW).write({"quantity": line.quantity + 500})
        self.assertNotEqual(plan._approval_token(), token)
        with self.assertRaisesRegex(UserError, "changed"):
            plan.with_user(self.forecast_manager).action_approve()
        self.assertEqual(plan.state, "to_approve")
        plan.with_user(self.forecast_manager).action_reject()
        plan.action_request_approval()
        plan.with_user(self.forecast_manager).action_approve()
        self.assertEqual(plan.state, "approved")

    def test_colleague_budget_is_not_readable(self):
        """A buyer who puts a colleague on a plan reads 0, not the colleague's remaining
        budget; the colleague and a manager read it."""
        colleague = new_test_user(
            self.env,
            login="pf_colleague",
            groups="base.group_user,purchase_forecast.group_forecast_user",
        )
        with freeze_time(TODAY):
            self.env["purchase.budget"].create(
                {
                    "name": "Colleague 2026",
                    "user_id": colleague.id,
                    "amount": 5000.0,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                }
            )
            plan = self.env["purchase.plan"].create({"user_id": colleague.id})
            self.assertEqual(plan.with_user(self.forecast_user).budget_remaining, 0.0)
            self.assertEqual(plan.with_user(colleague).budget_remaining, 5000.0)
            self.assertEqual(plan.with_user(self.forecast_manager).budget_remaining, 5000.0)

    def test_buyer_requests_approval_with_managers_of_other_companies(self):
        """A manager also working in a company the buyer cannot see: the buyer still sends
        the plan for approval (the approvers' companies are not read as the buyer) and that
        manager gets the activity; a manager of the other company only does not."""
        other = self.env["res.company"].create({"name": "Second School"})
        both_manager = new_test_user(
            self.env,
            login="pf_both_manager",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | other).ids)],
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        other_manager = new_test_user(
            self.env,
            login="pf_other_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
            groups="base.group_user,purchase_forecast.group_forecast_manager",
        )
        plan = self._computed_plan()
        plan.action_request_approval()
        self.assertEqual(plan.state, "to_approve")
        assigned = plan.sudo().activity_ids.user_id
        self.assertIn(both_manager, assigned)
        self.assertNotIn(other_manager, assigned)
