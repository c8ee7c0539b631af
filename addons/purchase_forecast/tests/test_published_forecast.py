import datetime as dt

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import PurchaseForecastCommon, perform_all_jobs

TODAY = "2026-07-10"


@tagged("post_install", "-at_install")
class TestPublishedForecast(PurchaseForecastCommon):
    """Publishing and locking forecast runs, over imported monthly history from July 2024 to
    June 2026, on 10 July 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"forecast_nightly_run": False, "forecast_horizon": 6, "purchase_plan_review_days": 30}
        )
        cls.paper = cls._demand_product("Paper A4", 30.0)
        cls.toner = cls._demand_product("Toner", 3.0)
        cls.Run = cls.env["purchase.forecast.run"]

    @classmethod
    def _demand_product(cls, name, monthly):
        product = cls._product(name)
        product.seller_ids.write({"delay": 14, "price": 10.0})
        cls.env["purchase.forecast.history"].create(
            [
                {
                    "product_id": product.id,
                    "date": dt.date(2024 + (6 + m) // 12, (6 + m) % 12 + 1, 12),
                    "quantity": monthly + (m % 3 - 1) * monthly * 0.1,
                    "key": f"{name}-{m}",
                }
                for m in range(24)
            ]
        )
        return product

    def _run(self, products=None, day=TODAY, **values):
        """A finished (not published) run of the Forecast Manager."""
        products = products or self.paper | self.toner
        with freeze_time(day):
            run = self.Run.with_user(self.forecast_manager).create(
                {"product_ids": [Command.set(products.ids)], **values}
            )
            run.action_run()
        return run

    def _nightly(self, day):
        """The nightly scheduled action on `day`, its jobs performed; the run it created."""
        with freeze_time(day), trap_jobs() as trap:
            self.Run._cron_process_runs()
            perform_all_jobs(trap)
        run = self.Run.search([("scheduled", "=", True)], order="id desc", limit=1)
        # the database clock does not follow freeze_time: date the run as the day's
        self.env.cr.execute(
            "UPDATE purchase_forecast_run SET create_date = %s WHERE id = %s", (day, run.id)
        )
        run.invalidate_recordset(["create_date"])
        return run

    def _plan(self, products, user=None):
        with freeze_time(TODAY):
            plan = (
                self.env["purchase.plan"]
                .with_user(user or self.forecast_user)
                .create({"product_ids": [Command.set(products.ids)]})
            )
            plan.action_compute()
        return plan

    def test_only_managers_publish(self):
        """A Forecast User cannot publish: the method checks the group itself before anything
        else, as JSON-2 calls it directly (the message names the role, not the model's access
        rights); a Forecast Manager publishes, and who and when are kept."""
        run = self._run()
        with self.assertRaisesRegex(AccessError, "Only Forecast Managers can publish"):
            run.with_user(self.forecast_user).action_publish()
        self.assertFalse(run.published)
        with freeze_time("2026-07-10 09:30"):
            run.with_user(self.forecast_manager).action_publish()
        self.assertRecordValues(
            run,
            [
                {
                    "published": True,
                    "published_by_id": self.forecast_manager.id,
                    "published_date": dt.datetime(2026, 7, 10, 9, 30),
                }
            ],
        )
        self.assertTrue(all(run.line_ids.mapped("is_current")))

    def test_one_published_run_per_scope(self):
        """Publishing a run unpublishes the scope's previous one in the same transaction (its
        lines stop being the current forecast); a run of another warehouse is another scope;
        the database itself refuses two published runs of one scope."""
        first = self._run()
        first.with_user(self.forecast_manager).action_publish()
        second = self._run(horizon=3)
        second.with_user(self.forecast_manager).action_publish()
        self.assertRecordValues(first | second, [{"published": False}, {"published": True}])
        self.assertFalse(any(first.line_ids.mapped("is_current")))
        self.assertTrue(all(second.line_ids.mapped("is_current")))
        self.assertIn("replacing", " ".join(second.message_ids.mapped("body")))
        other = self.env["stock.warehouse"].create({"name": "Second Store", "code": "WH2"})
        local = self._run(warehouse_ids=[Command.set(other.ids)])
        local.with_user(self.forecast_manager).action_publish()
        self.assertTrue(second.published and local.published)
        self.assertEqual(self.Run._published_for(self.company, other), local)
        self.assertEqual(self.Run._published_for(self.company, self.warehouse), second)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            first.sudo().published = True
            self.env.flush_all()

    def test_failed_or_partial_run_is_never_published(self):
        """A failed run, a run not finished and a run where some products failed are refused,
        with the reason."""
        failed = self._run()
        failed.sudo().write({"state": "failed"})
        with self.assertRaisesRegex(UserError, "only a finished run can be published"):
            failed.with_user(self.forecast_manager).action_publish()
        draft = self.Run.with_user(self.forecast_manager).create({})
        with self.assertRaisesRegex(UserError, "only a finished run can be published"):
            draft.action_publish()
        partial = self._run()
        partial.result_ids[:1].sudo().write({"failed": True, "error": "broken history"})
        partial.sudo().error_count = 1
        with self.assertRaisesRegex(UserError, "partial"):
            partial.with_user(self.forecast_manager).action_publish()
        self.assertFalse((failed | draft | partial).filtered("published"))

    def test_nightly_run_publishes_itself_unless_manual(self):
        """A successful nightly run becomes the published forecast; with the company's
        "Publish Forecasts Manually" on, the next one finishes unpublished and the previous
        stays published until a manager publishes the new one."""
        self.company.forecast_nightly_run = True
        first = self._nightly("2026-07-10 01:00")
        self.assertRecordValues(first, [{"state": "done", "published": True}])
        self.company.forecast_publish_manual = True
        second = self._nightly("2026-07-11 01:00")
        self.assertNotEqual(first, second)
        self.assertRecordValues(
            first | second,
            [{"state": "done", "published": True}, {"state": "done", "published": False}],
        )
        second.with_user(self.forecast_manager).action_publish()
        self.assertFalse(first.published)

    def test_lock_keeps_the_published_forecast(self):
        """While locked, the nightly run still runs but does not replace the forecast (it says
        why), a manual publish of another run is refused with the lock's date and author;
        only a manager locks; unlocking is logged with who and when, and then publishing
        works again."""
        published = self._run()
        published.with_user(self.forecast_manager).action_publish()
        with self.assertRaisesRegex(AccessError, "Only Forecast Managers can publish, lock"):
            published.with_user(self.forecast_user).action_lock("2026-08-31")
        with freeze_time(TODAY):
            with self.assertRaisesRegex(UserError, "today or a later day"):
                published.with_user(self.forecast_manager).action_lock("2026-07-01")
            wizard = (
                self.env["purchase.forecast.run.lock"]
                .with_user(self.forecast_manager)
                .create({"run_id": published.id, "locked_until": "2026-08-31"})
            )
            wizard.action_confirm()
        self.assertRecordValues(
            published,
            [{"locked_until": dt.date(2026, 8, 31), "locked_by_id": self.forecast_manager.id}],
        )
        self.company.forecast_nightly_run = True
        nightly = self._nightly("2026-07-11 01:00")
        self.assertEqual(nightly.state, "done")
        self.assertFalse(nightly.published)
        self.assertTrue(published.published)
        self.assertIn("Not published", " ".join(nightly.message_ids.mapped("body")))
        other = self._run(day="2026-07-11")
        with freeze_time("2026-07-11"), self.assertRaisesRegex(UserError, "locked until"):
            other.with_user(self.forecast_manager).action_publish()
        with freeze_time("2026-07-12 08:00"):
            published.with_user(self.forecast_manager).action_unlock()
        self.assertFalse(published.locked_until)
        [message] = [b for b in published.message_ids.mapped("body") if "Unlocked by" in b]
        self.assertIn(self.forecast_manager.name, message)
        with freeze_time("2026-07-12"):
            other.with_user(self.forecast_manager).action_publish()
        self.assertTrue(other.published)
        self.assertFalse(published.published)

    def test_plan_without_published_forecast_says_so_and_offers_a_run(self):
        """Without a published forecast the plan orders nothing and says why per line (no
        silent refit); a product the published run lacks gets its own reason; the manager's
        action forecasts and publishes the missing products, after which the plan orders."""
        plan = self._plan(self.paper)
        line = plan.line_ids
        self.assertRecordValues(line, [{"state": "no_forecast", "quantity": 0.0}])
        self.assertIn("No published forecast", line.short_reason)
        self.assertEqual(plan.no_forecast_line_count, 1)
        self._run(self.toner).with_user(self.forecast_manager).action_publish()
        with freeze_time(TODAY):
            plan.action_compute()
        self.assertIn("does not cover this product", plan.line_ids.short_reason)
        with self.assertRaisesRegex(AccessError, "Only Forecast Managers"):
            plan.with_user(self.forecast_user).action_forecast_missing()
        with freeze_time(TODAY):
            action = plan.with_user(self.forecast_manager).action_forecast_missing()
        run = self.Run.browse(action["res_id"])
        self.assertRecordValues(run, [{"state": "done", "published": True}])
        self.assertEqual(run.result_ids.product_id, self.paper | self.toner)
        with freeze_time(TODAY):
            plan.action_compute()
        self.assertEqual(plan.forecast_run_id, run)
        self.assertEqual(plan.line_ids.state, "order")
        self.assertGreater(plan.line_ids.quantity, 0)

    def test_lead_time_beyond_the_stored_forecast_is_named(self):
        """A vendor lead time longer than the periods the published run stores gives a line
        that orders nothing and says how many periods were needed and stored."""
        run = self._run()
        run.with_user(self.forecast_manager).action_publish()
        self.assertEqual(run.state_periods, 24)
        self.toner.seller_ids.delay = 800
        plan = self._plan(self.paper | self.toner)
        late = plan.line_ids.filtered(lambda line: line.product_id == self.toner)
        self.assertEqual(late.state, "no_forecast")
        self.assertIn("need 28 periods", late.short_reason)
        self.assertIn("stores 24", late.short_reason)
        paper = plan.line_ids - late
        self.assertEqual(paper.state, "order")

    def test_published_forecast_of_another_company_is_invisible(self):
        """A Forecast User reads the published forecast of their company only: another
        company's published run is neither found nor shown on the product."""
        other_company = self.env["res.company"].create({"name": "Other Hospital"})
        run = self._run()
        run.with_user(self.forecast_manager).action_publish()
        foreign = run.sudo().copy({"company_id": other_company.id})
        foreign.sudo().write({"state": "done", "published": True})
        self.assertEqual(self.Run._published_for(other_company), foreign)
        user_runs = self.Run.with_user(self.forecast_user).search([("published", "=", True)])
        self.assertEqual(user_runs, run)
        product = self.paper.with_user(self.forecast_user)
        self.assertEqual(product.forecast_result_id.run_id, run)
        outsider = new_test_user(
            self.env,
            login="pf_other_company",
            groups="base.group_user,purchase_forecast.group_forecast_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(
            self.Run.with_user(outsider).search([("id", "=", run.id)]),
        )
        self.assertFalse(
            self.paper.with_user(outsider).with_company(other_company).forecast_result_id
        )
