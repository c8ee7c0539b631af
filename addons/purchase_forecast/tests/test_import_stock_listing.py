import datetime as dt

from odoo.tests import tagged

from .common_import import PurchaseForecastImportCommon

QUARTER_ENDS = {
    dt.date(2022, 3, 31),
    dt.date(2022, 6, 30),
    dt.date(2022, 9, 30),
    dt.date(2022, 12, 31),
}


@tagged("post_install", "-at_install")
class TestImportStockListing(PurchaseForecastImportCommon):
    """A stock listing of materials (48 real rows of stock_leftovers_105.xlsx, 4 quarters)."""

    def test_levels_per_quarter_and_stock_of_the_latest(self):
        """Every quarter's closing balance is kept as a stock level; the on-hand quantity is
        the latest quarter's, not the sum of all four."""
        log = self.import_file(
            self.fixture("stock_leftovers_105_small.xlsx"),
            "stock_leftovers_105_small.xlsx",
            apply_inventory=True,
        )
        self.assertEqual(log.kind, "stock_listing")
        levels = self.Level.search([("import_id", "=", log.id)])
        self.assertEqual(set(levels.mapped("date")), QUARTER_ENDS)
        self.assertEqual(set(levels.mapped("account")), {"105"})
        periods = {period["date"]: period for period in log.summary["periods"]}
        for day in QUARTER_ENDS:
            at_day = levels.filtered(lambda level, day=day: level.date == day)
            self.assertAlmostEqual(
                sum(at_day.mapped("quantity")), periods[day.isoformat()]["quantity"]
            )
        latest = levels.filtered(lambda level: level.date == dt.date(2022, 12, 31))
        on_hand = sum(self.on_hand(product) for product in levels.product_id)
        self.assertEqual(on_hand, sum(latest.mapped("quantity")))

    def test_unit_price_column_is_not_taken_for_the_value(self):
        """The listing's "балансовая стоимость" holds unit prices: the value comes from the
        residual value (2 tubes of glue at 410.40 are worth 820.80), and the log says so."""
        log = self.import_file(
            self.fixture("stock_leftovers_105_small.xlsx"), "stock_leftovers_105_small.xlsx"
        )
        glue = self.Level.search(
            [
                ("import_id", "=", log.id),
                ("product_id.name", "=", "Клей Момент Столяр Экспресс,750г,"),
                ("date", "=", dt.date(2022, 3, 31)),
            ]
        )
        self.assertEqual((glue.quantity, glue.value), (2.0, 820.8))
        self.assertIn("unit prices", log.warning_text)
