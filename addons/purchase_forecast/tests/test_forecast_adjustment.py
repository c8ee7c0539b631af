import datetime as dt

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PurchaseForecastCommon

TODAY = "2026-07-10"
AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestForecastAdjustment(PurchaseForecastCommon):
    """People's adjustments of the forecast: two steady products (10 a month, then 20 a month
    for two years) forecast from August 2026, six months ahead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"forecast_horizon": 6, "forecast_nightly_run": False})
        cls.steady = cls._product("Adjusted gloves")
        cls.busy = cls._product("Adjusted masks")
        cls.other_category = cls.env["product.category"].create({"name": "Not adjusted"})
        cls.elsewhere = cls._product("Other goods", categ_id=cls.other_category.id)
        history = []
        for product, size in ((cls.steady, 10.0), (cls.busy, 20.0), (cls.elsewhere, 5.0)):
            for month in range(24):
                day = dt.date(2024 + (6 + month) // 12, (6 + month) % 12 + 1, 15)
                history.append(
                    {
                        "product_id": product.id,
                        "date": day,
                        "quantity": size + (month % 2),
                        "key": f"adj-{product.id}-{day}",
                        "company_id": cls.company.id,
                    }
                )
        cls.env["purchase.forecast.history"].create(history)

    def _run(self):
        run = (
            self.env["purchase.forecast.run"]
            .with_user(self.forecast_manager)
            .create({"product_ids": (self.steady | self.busy | self.elsewhere).ids})
        )
        run.action_run()
        self.assertEqual(run.state, "done")
        return run

    def _lines(self, run, product):
        return {
            line.date: line
            for line in self.env["purchase.forecast.line"].search(
                [("run_id", "=", run.id), ("product_id", "=", product.id)]
            )
        }

    def _adjust(self, user, **values):
        return (
            self.env["purchase.forecast.adjustment"]
            .with_user(user)
            .create({"date_from": AUG, "date_to": SEP + dt.timedelta(days=29), **values})
        )

    def test_percent_moves_the_whole_distribution(self):
        """A buyer's +30% on August-September raises those two periods' expected demand and
        every quantile of them by 30%, keeps the engine's own forecast beside it, names the
        adjustment on the lines, and leaves October and the other products alone."""
        run = self._run()
        before = {
            d: (ln.quantity, ln.quantity_low, ln.quantity_high)
            for d, ln in self._lines(run, self.steady).items()
        }
        other_before = {d: ln.quantity for d, ln in self._lines(run, self.busy).items()}
        self._adjust(self.forecast_user, product_id=self.steady.id, value=30.0, reason="New clinic")
        lines = self._lines(run, self.steady)
        for day in (AUG, SEP):
            expected, low, high = before[day]
            self.assertGreater(expected, 5.0)
            self.assertAlmostEqual(lines[day].quantity, expected * 1.3, places=4)
            self.assertAlmostEqual(lines[day].quantity_low, low * 1.3, places=4)
            self.assertAlmostEqual(lines[day].quantity_high, high * 1.3, places=4)
            self.assertAlmostEqual(lines[day].statistical_quantity, expected, places=4)
            self.assertAlmostEqual(lines[day].statistical_value, expected, places=2)
            self.assertTrue(lines[day].adjusted)
            self.assertIn("+30%: New clinic", lines[day].adjustment_note)
            self.assertIn(self.forecast_user.name, lines[day].adjustment_note)
        self.assertAlmostEqual(lines[OCT].quantity, before[OCT][0], places=6)
        self.assertFalse(lines[OCT].adjusted)
        self.assertEqual(
            {d: ln.quantity for d, ln in self._lines(run, self.busy).items()}, other_before
        )

    def test_new_quantity_and_nothing_below_zero(self):
        """A new quantity per period replaces the expected demand of those periods and scales
        the band with it; a -100% event brings a period to zero, never below."""
        run = self._run()
        stat = self._lines(run, self.steady)[AUG]
        low, mean = stat.quantity_low, stat.quantity
        self._adjust(
            self.forecast_user,
            product_id=self.steady.id,
            kind="quantity",
            value=50.0,
            date_to=AUG + dt.timedelta(days=30),
            reason="One-off project",
        )
        line = self._lines(run, self.steady)[AUG]
        self.assertAlmostEqual(line.quantity, 50.0, places=4)
        self.assertAlmostEqual(line.quantity_low, low * 50.0 / mean, places=4)
        self._adjust(
            self.forecast_manager,
            target="category",
            categ_id=self.category.id,
            value=-100.0,
            date_from=SEP,
            date_to=SEP + dt.timedelta(days=29),
            reason="Building closed",
        )
        line = self._lines(run, self.busy)[SEP]
        self.assertEqual((line.quantity, line.quantity_low, line.quantity_high), (0.0, 0.0, 0.0))

    def test_partial_period_and_periods_over(self):
        """An adjustment starting mid-August changes August in proportion to the days it
        covers; one whose periods are all over is refused."""
        run = self._run()
        expected = self._lines(run, self.steady)[AUG].quantity
        self._adjust(
            self.forecast_user,
            product_id=self.steady.id,
            value=31.0,
            date_from=dt.date(2026, 8, 17),
            date_to=dt.date(2026, 8, 31),
            reason="Half a month",
        )
        self.assertAlmostEqual(
            self._lines(run, self.steady)[AUG].quantity,
            expected * (1 + 0.31 * 15 / 31),
            places=4,
        )
        with self.assertRaises(ValidationError):
            self._adjust(
                self.forecast_user,
                product_id=self.steady.id,
                value=10.0,
                date_from=dt.date(2026, 5, 1),
                date_to=dt.date(2026, 6, 30),
                reason="Too late",
            )

    def test_survives_the_next_run_and_withdrawal_restores(self):
        """The next run of the same products gets the adjustment again, and the adjustment
        shows its effect on that run once published; withdrawing it (archiving) puts the
        engine's forecast back on every run's periods ahead."""
        self._run()
        adjustment = self._adjust(
            self.forecast_user, product_id=self.steady.id, value=30.0, reason="New clinic"
        )
        rerun = self._run()
        rerun.with_user(self.forecast_manager).action_publish()
        line = self._lines(rerun, self.steady)[AUG]
        self.assertTrue(line.adjusted)
        self.assertAlmostEqual(line.quantity, line.statistical_quantity * 1.3, places=4)
        self.assertEqual(adjustment.line_count, 2)
        self.assertAlmostEqual(
            adjustment.forecast_after, adjustment.forecast_before * 1.3, delta=0.01
        )
        statistical = line.statistical_quantity
        adjustment.with_user(self.forecast_user).active = False
        line = self._lines(rerun, self.steady)[AUG]
        self.assertFalse(line.adjusted)
        self.assertAlmostEqual(line.quantity, statistical, places=6)
        self.assertFalse(line.adjustment_note)

    def test_category_and_vendor_events(self):
        """A manager's event on a category adjusts every product in it (and its
        sub-categories), a vendor event every product the vendor supplies; products elsewhere
        are untouched."""
        run = self._run()
        stat = {p: self._lines(run, p)[AUG].quantity for p in (self.steady, self.busy)}
        elsewhere = self._lines(run, self.elsewhere)[AUG].quantity
        self._adjust(
            self.forecast_manager,
            target="category",
            categ_id=self.category.id,
            value=30.0,
            reason="New clinic",
        )
        for product in (self.steady, self.busy):
            self.assertAlmostEqual(
                self._lines(run, product)[AUG].quantity, stat[product] * 1.3, places=4
            )
        self.assertAlmostEqual(self._lines(run, self.elsewhere)[AUG].quantity, elsewhere)
        vendor = self.env["res.partner"].create({"name": "Only masks"})
        self.busy.product_tmpl_id.seller_ids = [(0, 0, {"partner_id": vendor.id})]
        self._adjust(
            self.forecast_manager,
            target="vendor",
            partner_id=vendor.id,
            value=10.0,
            reason="Vendor campaign",
        )
        self.assertAlmostEqual(
            self._lines(run, self.busy)[AUG].quantity, stat[self.busy] * 1.3 * 1.1, places=4
        )
        self.assertAlmostEqual(
            self._lines(run, self.steady)[AUG].quantity, stat[self.steady] * 1.3, places=4
        )

    def test_forecast_value_added_by_hand(self):
        """Actuals score both forecasts: engine 10, adjusted +30% = 13, actual 12: the
        engine's error is 2, the final one 1, the value added +1; where the adjustment made
        it worse (actual 9) the value added is negative."""
        run = self._run()
        lines = self._lines(run, self.steady)
        self.env.cr.execute(
            "UPDATE purchase_forecast_line SET quantity = 10, quantity_low = 8, "
            "quantity_high = 12 WHERE id IN %s",
            (tuple(lines[d].id for d in (AUG, SEP)),),
        )
        self.env["purchase.forecast.line"].invalidate_model()
        self._adjust(self.forecast_user, product_id=self.steady.id, value=30.0, reason="New clinic")
        (lines[AUG] | lines[SEP])._set_actuals(
            {(self.steady.id, AUG): 12.0, (self.steady.id, SEP): 9.0}
        )
        aug, sep = lines[AUG], lines[SEP]
        self.assertAlmostEqual(aug.quantity, 13.0)
        self.assertEqual(
            (aug.statistical_abs_error, aug.abs_error, aug.value_added), (2.0, 1.0, 1.0)
        )
        self.assertEqual(
            (sep.statistical_abs_error, sep.abs_error, sep.value_added), (1.0, 4.0, -3.0)
        )
        self.assertEqual((aug.statistical_signed_error, aug.signed_error), (-2.0, 1.0))
        [(added, author)] = [
            (total, user)
            for user, total in self.env["purchase.forecast.line"]._read_group(
                [("run_id", "=", run.id), ("actual_known", "=", True)],
                ["adjustment_user_id"],
                ["value_added:sum"],
            )
        ]
        self.assertEqual((added, author), (-2.0, self.forecast_user))

    def test_rights(self):
        """A Forecast User adjusts products under their own name but not a category, nor
        another person's adjustment; a manager may; another company never sees them."""
        with self.assertRaises(AccessError):
            self._adjust(
                self.forecast_user,
                target="category",
                categ_id=self.category.id,
                value=30.0,
                reason="Not mine to decide",
            )
        with self.assertRaises(AccessError):
            self._adjust(
                self.forecast_user,
                product_id=self.steady.id,
                value=5.0,
                reason="In someone's name",
                user_id=self.forecast_manager.id,
            )
        with self.assertRaises(AccessError):
            self._adjust(self.purchase_only_user, product_id=self.steady.id, value=5.0, reason="No")
        mine = self._adjust(
            self.forecast_manager, product_id=self.steady.id, value=5.0, reason="Manager's"
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.forecast_user).write({"value": 50.0})
        mine.with_user(self.forecast_manager).write({"value": 6.0})
        theirs = self._adjust(
            self.forecast_user, product_id=self.steady.id, value=5.0, reason="Buyer's"
        )
        theirs.with_user(self.forecast_manager).write({"value": 7.0})
        other = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        stranger = self.env["res.users"].create(
            {
                "name": "Other buyer",
                "login": "pf_adjust_other",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "group_ids": [
                    (6, 0, [self.env.ref("purchase_forecast.group_forecast_manager").id])
                ],
            }
        )
        visible = self.env["purchase.forecast.adjustment"].with_user(stranger).search([])
        self.assertFalse(visible & (mine | theirs))

    def test_adjusting_from_the_forecast_list(self):
        """Adjust Forecast on selected periods of one product opens a new adjustment for that
        product and exactly those periods; periods of two products are refused."""
        run = self._run()
        lines = self._lines(run, self.steady)
        action = (lines[AUG] | lines[SEP]).with_user(self.forecast_user).action_adjust()
        self.assertEqual(action["res_model"], "purchase.forecast.adjustment")
        self.assertEqual(action["context"]["default_product_id"], self.steady.id)
        self.assertEqual(action["context"]["default_date_from"], AUG)
        self.assertEqual(action["context"]["default_date_to"], dt.date(2026, 9, 30))
        with self.assertRaises(UserError):
            (lines[AUG] | self._lines(run, self.busy)[AUG]).action_adjust()
