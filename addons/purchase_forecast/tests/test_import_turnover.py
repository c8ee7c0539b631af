import datetime as dt

from odoo.tests import tagged

from .common_import import PurchaseForecastImportCommon, turnover_rows, xlsx

STOCK_HEADER = [
    "Code1",
    "Code2",
    "Code3",
    "Name",
    "4Q2022|остаток кон|балансовая стоимость",
    "4Q2022|остаток кон|количество",
]


def paper_and_glue_sheet(wide=False):
    """Account 105 for the 4th quarter of 2022 (no real file has either): paper kept on two
    sub-accounts, glue partly issued."""
    return turnover_rows(
        "Оборотно-сальдовая ведомость по счету 105.00 за 4 квартал 2022 г.",
        "105.00",
        {
            "105.34": [
                ("Клей ПВА, 750г, шт", 1000.0, 10, 500.0, 5, 300.0, 3),
                ("Бумага офисная А4, пач", 5700.0, 20, 0, 0, 2850.0, 10),
            ],
            "105.36": [("Бумага офисная А4, пач", 2850.0, 10, 2850.0, 10, 0, 0)],
        },
        levels=("Материальные запасы", "ЦМО"),
        wide=wide,
    )


@tagged("post_install", "-at_install")
class TestImportTurnover(PurchaseForecastImportCommon):
    """1C turnover balance sheets: stock at the period end and issues as consumption."""

    def test_real_quarter_reconciles_with_the_sheet(self):
        """The real sheet of account 101 for Q1 2022: the imported closing value and quantity
        equal the sheet's "Итого" row (41,712,447.58), and applied as an inventory adjustment
        the on-hand quantities add up to the sheet's closing quantity."""
        log = self.import_file(
            self.real_file("turnover_101_2022q1.xlsx"),
            "turnover_101_2022q1.xlsx",
            apply_inventory=True,
        )
        self.assertEqual(log.kind, "turnover_sheet")
        self.assertAlmostEqual(log.closing_value, 41712447.58, places=2)
        self.assertAlmostEqual(log.sheet_closing_value, 41712447.58, places=2)
        self.assertEqual(log.closing_quantity, log.sheet_closing_quantity)
        levels = self.Level.search([("import_id", "=", log.id)])
        self.assertEqual(set(levels.mapped("date")), {dt.date(2022, 3, 31)})
        self.assertEqual(set(levels.mapped("account")), {"101"})
        self.assertAlmostEqual(sum(levels.mapped("value")), 41712447.58, places=2)
        self.assertAlmostEqual(sum(levels.mapped("quantity")), log.sheet_closing_quantity)
        self.assertEqual(
            len(levels), len(levels.product_id), "assets of the same name are added up"
        )
        quants = self.env["stock.quant"].search(
            [("product_id", "in", levels.product_id.ids), ("location_id", "=", self.stock.id)]
        )
        self.assertAlmostEqual(sum(quants.mapped("quantity")), log.sheet_closing_quantity)
        self.assertEqual(log.move_count, len(levels.filtered("quantity")))
        issues = self.History.search([("import_id", "=", log.id)])
        self.assertEqual(set(issues.mapped("kind")), {"consumption"})
        self.assertAlmostEqual(sum(issues.mapped("amount")), 89370.0, places=2)
        self.assertEqual(sum(issues.mapped("quantity")), 22)
        self.assertEqual(set(issues.warehouse_id.ids), {self.warehouse.id})

    def test_unseen_account_and_quarter_in_the_wide_layout(self):
        """An account and a quarter no real file has, in the 18-column layout: stock dated at
        the quarter end and added up per product over sub-accounts, issues as consumption."""
        rows, closing_value, closing_qty = paper_and_glue_sheet(wide=True)
        log = self.import_file(xlsx({"Лист_1": rows}), "osv_105_q4.xlsx", apply_inventory=True)
        self.assertAlmostEqual(log.closing_value, closing_value, places=2)
        self.assertEqual(log.closing_quantity, closing_qty)
        self.assertEqual((log.account, log.period_end), ("105.00", dt.date(2022, 12, 31)))
        levels = self.Level.search([("import_id", "=", log.id)])
        paper = levels.filtered(lambda level: level.product_id.name.startswith("Бумага"))
        self.assertEqual(len(paper), 1)
        self.assertEqual(paper.quantity, 30.0, "10 left on 105.34 and 20 on 105.36")
        self.assertEqual(paper.row_count, 2)
        self.assertEqual(self.on_hand(paper.product_id), 30.0)
        self.assertEqual(paper.value, 5700.0 - 2850.0 + 5700.0)
        self.assertEqual(
            paper.product_id.standard_price, 285.0, "no cost yet: the book value per unit"
        )
        issues = self.History.search([("import_id", "=", log.id)])
        self.assertEqual(len(issues), 2)
        glue = issues.filtered(lambda record: record.product_id.name == "Клей ПВА, 750г, шт")
        self.assertEqual((glue.quantity, glue.amount), (3.0, 300.0))
        self.assertEqual(glue.date, dt.date(2022, 12, 31))

    def test_counted_quantities_wait_for_review(self):
        """Without "inventory adjustment" the stock is entered as counted quantities: nothing
        is on hand yet and no move is made until someone applies the count."""
        rows, _value, _qty = paper_and_glue_sheet()
        log = self.import_file(xlsx({"Лист_1": rows}), "osv_105_q4.xlsx")
        paper = self.Level.search([("import_id", "=", log.id)]).product_id.filtered(
            lambda p: p.name.startswith("Бумага")
        )
        quant = self.env["stock.quant"].search(
            [("product_id", "=", paper.id), ("location_id", "=", self.stock.id)]
        )
        self.assertTrue(quant.inventory_quantity_set)
        self.assertEqual((quant.inventory_quantity, quant.quantity), (30.0, 0.0))
        self.assertFalse(log.move_ids)

    def test_same_stock_from_two_files_is_not_doubled(self):
        """A turnover sheet and a stock listing of the same account and date describe the same
        stock: the later file replaces the earlier levels, it never adds to them."""
        rows, _value, _qty = paper_and_glue_sheet()
        first = self.import_file(xlsx({"Лист_1": rows}), "osv_105_q4.xlsx", apply_inventory=True)
        paper = self.Level.search([("import_id", "=", first.id)]).product_id.filtered(
            lambda p: p.name.startswith("Бумага")
        )
        glue = self.Level.search([("import_id", "=", first.id)]).product_id - paper
        listing = [
            STOCK_HEADER,
            ["105", "105.30", "105.34", "Бумага офисная А4, пач", 1425.0, 5],
            ["105", "105.30", "105.36", "Бумага офисная А4, пач", 2850.0, 20],
        ]
        second = self.import_file(
            xlsx({"Sheet1": listing}), "stock_leftovers_105.xlsx", apply_inventory=True
        )
        self.assertEqual(second.kind, "stock_listing")
        levels = self.Level.search([("product_id", "in", (paper | glue).ids)])
        self.assertEqual(len(levels), 1, "the glue is no longer listed on 31.12.2022")
        self.assertEqual(levels.quantity, 25.0)
        self.assertEqual(second.removed_count, 1)
        self.assertEqual(self.on_hand(paper), 25.0)
        self.assertEqual(self.on_hand(glue), 0.0)

    def test_older_quarter_does_not_move_current_stock(self):
        """Importing an older quarter after a newer one adds its history but leaves the
        on-hand quantities of the newer quarter in place."""
        newer, _v, _q = paper_and_glue_sheet()
        self.import_file(xlsx({"Лист_1": newer}), "osv_105_q4.xlsx", apply_inventory=True)
        older, _v, _q = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 105.00 за 3 квартал 2022 г.",
            "105.00",
            {"105.34": [("Бумага офисная А4, пач", 9000.0, 40, 0, 0, 3300.0, 20)]},
            levels=("Материальные запасы", "ЦМО"),
        )
        log = self.import_file(xlsx({"Лист_1": older}), "osv_105_q3.xlsx", apply_inventory=True)
        paper = self.Level.search([("import_id", "=", log.id)]).product_id
        self.assertEqual(self.on_hand(paper), 30.0)
        self.assertFalse(log.move_ids)
        self.assertEqual(self.History.search([("import_id", "=", log.id)]).quantity, 20.0)
