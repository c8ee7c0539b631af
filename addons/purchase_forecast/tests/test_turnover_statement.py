import base64
import datetime as dt
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_import import PurchaseForecastImportCommon, turnover_rows, xlsx

D = dt.date
FIGURES = (
    "opening_quantity",
    "opening_value",
    "receipt_quantity",
    "receipt_value",
    "issue_quantity",
    "issue_value",
    "closing_quantity",
    "closing_value",
)
REAL_SHEETS = {
    # (account, quarter): closing debit total of the sheet (data/lct2024/README.md)
    ("101", 1): 41712447.58,
    ("101", 2): 46000432.86,
    ("101", 3): 46910925.86,
    ("21", 1): 25962890.05,
    ("21", 2): 28909072.98,
    ("21", 3): 28961273.41,
}


def figures(row):
    return tuple(row[name] for name in FIGURES)


@tagged("post_install", "-at_install")
class TestTurnoverStatement(PurchaseForecastImportCommon):
    """The turnover statement (ОСВ): opening, receipts, issues, closing per product and
    period, from stock moves and from imported 1C turnover sheets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Turnover = cls.env["purchase.forecast.turnover"]
        cls.kettle = cls._product("Kettle", standard_price=10.0)
        # January: 100 in; February: 30 out; March: 20 out; April: 50 in
        cls._receive(cls.kettle, 100, D(2025, 1, 10))
        cls._deliver(cls.kettle, 30, D(2025, 2, 5))
        cls._deliver(cls.kettle, 20, D(2025, 3, 20))
        cls._receive(cls.kettle, 50, D(2025, 4, 2))

    def statement(self, products, date_from, date_to, period, user=None, **values):
        wizard = self.Turnover.with_user(user or self.forecast_user)
        return wizard._statement(
            self.company, products, date_from, date_to, period, values.get("warehouse")
        )

    def test_statement_from_moves_by_month(self):
        """Hand-built moves: each month opens where the one before closed, receipts and
        issues are the moves of the month, and values are the moves' valuations (cost 10)."""
        rows = self.statement(self.kettle, D(2025, 2, 1), D(2025, 4, 30), "month")
        self.assertEqual(
            [(r["date_start"], r["date_end"], r["source"]) for r in rows],
            [
                (D(2025, 2, 1), D(2025, 2, 28), "moves"),
                (D(2025, 3, 1), D(2025, 3, 31), "moves"),
                (D(2025, 4, 1), D(2025, 4, 30), "moves"),
            ],
        )
        self.assertEqual(
            [figures(r) for r in rows],
            [
                (100, 1000, 0, 0, 30, 300, 70, 700),
                (70, 700, 0, 0, 20, 200, 50, 500),
                (50, 500, 50, 500, 0, 0, 100, 1000),
            ],
        )

    def test_statement_over_a_custom_range_and_a_year(self):
        """Any dates: 15 February to 1 April is one row (opening 70 after the February issue
        of the 5th, the March issue, nothing else); the year 2025 one row from zero."""
        (row,) = self.statement(self.kettle, D(2025, 2, 15), D(2025, 4, 2), "range")
        self.assertEqual(figures(row), (70, 700, 50, 500, 20, 200, 100, 1000))
        (row,) = self.statement(self.kettle, D(2025, 2, 15), D(2025, 3, 31), "range")
        self.assertEqual(figures(row), (70, 700, 0, 0, 20, 200, 50, 500))
        (year,) = self.statement(self.kettle, D(2025, 1, 1), D(2025, 12, 31), "year")
        self.assertEqual(figures(year), (0, 0, 150, 1500, 50, 500, 100, 1000))

    def test_transfers_between_warehouses_count_only_per_warehouse(self):
        """A transfer to a second warehouse is neither a receipt nor an issue of the
        company, but an issue of the first warehouse and a receipt of the second, valued at
        the product's cost."""
        second = self.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        self._move(self.kettle, self.stock, second.lot_stock_id, 10, D(2025, 5, 6))
        (company,) = self.statement(self.kettle, D(2025, 5, 1), D(2025, 5, 31), "month")
        self.assertEqual(figures(company), (100, 1000, 0, 0, 0, 0, 100, 1000))
        (first,) = self.statement(
            self.kettle, D(2025, 5, 1), D(2025, 5, 31), "month", warehouse=self.warehouse
        )
        self.assertEqual(figures(first), (100, 1000, 0, 0, 10, 100, 90, 900))
        (other,) = self.statement(
            self.kettle, D(2025, 5, 1), D(2025, 5, 31), "month", warehouse=second
        )
        self.assertEqual(figures(other), (0, 0, 10, 100, 0, 0, 10, 100))

    def test_category_statement(self):
        """A category's statement lists its goods and those of its subcategories, and no
        product of another category."""
        child = self.env["product.category"].create(
            {"name": "Small kettles", "parent_id": self.category.id}
        )
        mini = self._product("Mini kettle", categ_id=child.id)
        elsewhere = self._product(
            "Chair", categ_id=self.env["product.category"].create({"name": "Chairs"}).id
        )
        for product in (mini, elsewhere):
            self._receive(product, 5, D(2025, 3, 3))
        wizard = self.Turnover.with_user(self.forecast_user).create(
            {
                "category_id": self.category.id,
                "date_from": "2025-01-01",
                "date_to": "2025-03-31",
                "period": "quarter",
            }
        )
        action = wizard.action_compute()
        lines = self.env[action["res_model"]].with_user(self.forecast_user).search(action["domain"])
        self.assertEqual(lines.product_id, self.kettle | mini)
        self.assertRecordValues(
            lines.sorted(lambda ln: ln.product_id.id),
            [
                {"product_id": self.kettle.id, "receipt_quantity": 100, "closing_quantity": 50},
                {"product_id": mini.id, "receipt_quantity": 5, "closing_quantity": 5},
            ],
        )

    def test_xlsx_export_has_the_figures(self):
        """The XLSX export opens with openpyxl and holds each period's figures as numbers."""
        form = Form(self.Turnover.with_user(self.forecast_user))
        form.product_ids.add(self.kettle)
        form.date_from = D(2025, 2, 1)
        form.date_to = D(2025, 3, 31)
        form.period = "month"
        wizard = form.save()
        action = wizard.action_export_xlsx()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].with_user(self.forecast_user).browse(attachment_id)
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        sheet = book.active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Product")
        self.assertEqual(rows[0][6], "Opening quantity")
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][0], "Kettle")
        self.assertEqual(rows[1][3].date(), D(2025, 2, 1))
        self.assertEqual(rows[1][6:], (100, 1000, 0, 0, 30, 300, 70, 700))
        self.assertEqual(rows[2][6:], (70, 700, 0, 0, 20, 200, 50, 500))

    def test_bad_input_is_refused(self):
        """Reversed dates, an unknown period, no product and a user without forecasting
        rights get clear errors."""
        with self.assertRaisesRegex(UserError, "after its end"):
            self.statement(self.kettle, D(2025, 4, 1), D(2025, 1, 1), "month")
        with self.assertRaisesRegex(UserError, "Choose months"):
            self.statement(self.kettle, D(2025, 1, 1), D(2025, 4, 1), "week")
        with self.assertRaisesRegex(UserError, "more than 240 periods"):
            self.statement(self.kettle, D(1990, 1, 1), D(2025, 4, 1), "month")
        wizard = self.Turnover.with_user(self.forecast_user).create(
            {"date_from": "2025-01-01", "date_to": "2025-03-31"}
        )
        with self.assertRaisesRegex(UserError, "Choose a product or a category"):
            wizard.action_compute()
        with self.assertRaises(AccessError):
            self.statement(
                self.kettle, D(2025, 1, 1), D(2025, 3, 1), "month", user=self.purchase_only_user
            )
        with self.assertRaises(AccessError):
            self.Turnover.with_user(self.purchase_only_user).create({"period": "month"})

    def test_other_companys_moves_and_sheets_never_appear(self):
        """Another company's moves and imported sheets of the same product stay out of this
        company's statement, and a user of this company cannot ask for the other's."""
        other = self.env["res.company"].create({"name": "Company B"})
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        self.kettle.company_id = False
        self._move(
            self.kettle,
            self.suppliers,
            other_wh.lot_stock_id,
            7,
            D(2025, 2, 10),
            company_id=other.id,
        )
        self.env["purchase.forecast.stock.level"].create(
            {
                "company_id": other.id,
                "product_id": self.kettle.id,
                "warehouse_id": other_wh.id,
                "location_id": other_wh.lot_stock_id.id,
                "account": "105",
                "date": "2025-03-31",
                "period_start": "2025-01-01",
                "has_movements": True,
                "quantity": 999,
                "receipt_quantity": 999,
                "key": "other-company-sheet",
            }
        )
        (row,) = self.statement(self.kettle, D(2025, 1, 1), D(2025, 3, 31), "quarter")
        self.assertEqual(row["source"], "moves")
        self.assertEqual(figures(row), (0, 0, 100, 1000, 50, 500, 50, 500))
        with self.assertRaises(AccessError):
            self.Turnover.with_user(self.forecast_user)._statement(
                other, self.kettle, D(2025, 1, 1), D(2025, 3, 31), "quarter"
            )

    def test_statement_from_imported_sheets(self):
        """Two quarters' 1C sheets of account 105: by quarter each row is its sheet (opening,
        debit and credit turnover, closing); by year one row from Q3's opening to Q4's
        closing; by month a quarter's sheet stays one row with its own dates. Importing
        them as inventory adjustments does not count the stock twice."""
        q3, _value, _qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 105.00 за 3 квартал 2024 г.",
            "105.00",
            {"105.34": [("Клей ПВА, 750г, шт", 800.0, 8, 400.0, 4, 200.0, 2)]},
            levels=("Материальные запасы", "ЦМО"),
        )
        q4, _value, _qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 105.00 за 4 квартал 2024 г.",
            "105.00",
            {"105.34": [("Клей ПВА, 750г, шт", 1000.0, 10, 500.0, 5, 300.0, 3)]},
            levels=("Материальные запасы", "ЦМО"),
        )
        for rows, name in ((q3, "osv_105_q3.xlsx"), (q4, "osv_105_q4.xlsx")):
            self.import_file(xlsx({"Лист_1": rows}), name, apply_inventory=True)
        glue = self.Level.search([("account", "=", "105")]).product_id
        self.assertEqual(len(glue), 1)
        quarters = self.statement(glue, D(2024, 7, 1), D(2024, 12, 31), "quarter")
        self.assertEqual(
            [(r["date_start"], r["source"], figures(r)) for r in quarters],
            [
                (D(2024, 7, 1), "sheet", (8, 800, 4, 400, 2, 200, 10, 1000)),
                (D(2024, 10, 1), "sheet", (10, 1000, 5, 500, 3, 300, 12, 1200)),
            ],
        )
        (year,) = self.statement(glue, D(2024, 1, 1), D(2024, 12, 31), "year")
        self.assertEqual(figures(year), (8, 800, 9, 900, 5, 500, 12, 1200))
        months = self.statement(glue, D(2024, 10, 1), D(2024, 12, 31), "month")
        self.assertEqual(
            [(r["date_start"], r["date_end"]) for r in months], [(D(2024, 10, 1), D(2024, 12, 31))]
        )

    def test_real_sheets_reconcile(self):
        """The real 1C sheets of accounts 101 and 21 for 2022 Q1-Q3: each quarter's closing
        value in the statement equals the two sheets' closing debit totals, and every row
        reconciles: opening + receipts - issues = closing, in value and quantity."""
        for (account, quarter), _total in sorted(REAL_SHEETS.items()):
            name = f"turnover_{account}_2022q{quarter}.xlsx"
            self.import_file(self.real_file(name), name)
        products = self.Level.search([("account", "in", ("101", "21"))]).product_id
        rows = self.statement(products, D(2022, 1, 1), D(2022, 9, 30), "quarter")
        self.assertTrue(rows)
        self.assertEqual({r["source"] for r in rows}, {"sheet"})
        for quarter in (1, 2, 3):
            start = D(2022, 3 * quarter - 2, 1)
            closing = sum(r["closing_value"] for r in rows if r["date_start"] == start)
            expected = REAL_SHEETS[("101", quarter)] + REAL_SHEETS[("21", quarter)]
            with self.subTest(quarter=quarter):
                self.assertAlmostEqual(closing, expected, places=2)
        for row in rows:
            with self.subTest(product=row["product_id"], start=row["date_start"]):
                self.assertAlmostEqual(
                    row["opening_value"] + row["receipt_value"] - row["issue_value"],
                    row["closing_value"],
                    places=2,
                )
                self.assertAlmostEqual(
                    row["opening_quantity"] + row["receipt_quantity"] - row["issue_quantity"],
                    row["closing_quantity"],
                    places=3,
                )
        by_account = self.Level.search([("account", "=", "101"), ("date", "=", "2022-06-30")])
        self.assertAlmostEqual(sum(by_account.mapped("value")), REAL_SHEETS[("101", 2)], 2)
        self.assertAlmostEqual(
            sum(by_account.mapped("opening_value"))
            + sum(by_account.mapped("receipt_value"))
            - sum(by_account.mapped("issue_value")),
            REAL_SHEETS[("101", 2)],
            places=2,
        )


@tagged("post_install", "-at_install")
class TestStockAtDate(PurchaseForecastImportCommon):
    """Stock at a date and at period ends, per warehouse, rolled back from today's stock
    through the moves, or from imported levels before Odoo tracked the product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        cls.kettle = cls._product("Kettle")
        cls._receive(cls.kettle, 100, D(2025, 1, 10))
        cls._deliver(cls.kettle, 30, D(2025, 2, 5))
        cls._move(cls.kettle, cls.stock, cls.second.lot_stock_id, 20, D(2025, 3, 10))
        cls._move(cls.kettle, cls.second.lot_stock_id, cls.customers, 5, D(2025, 4, 10))

    def table(self, product, day, period="month", count=3, user=None):
        Wizard = self.env["purchase.forecast.stock.date"].with_user(user or self.forecast_user)
        rows = Wizard._stock_table(self.company, product, day, period, count)
        return {(r["warehouse_id"], r["date"]): (r["quantity"], r["source"]) for r in rows}

    def test_on_hand_at_a_past_date_and_at_period_ends(self):
        """Two warehouses: on 30 April 2025 and at the three month ends before, each
        warehouse holds what its moves left; the second holds nothing known before its
        first move."""
        table = self.table(self.kettle, D(2025, 4, 30))
        wh1, wh2 = self.warehouse.id, self.second.id
        self.assertEqual(
            table,
            {
                (wh1, D(2025, 1, 31)): (100, "moves"),
                (wh1, D(2025, 2, 28)): (70, "moves"),
                (wh1, D(2025, 3, 31)): (50, "moves"),
                (wh1, D(2025, 4, 30)): (50, "moves"),
                (wh2, D(2025, 1, 31)): (0, "none"),
                (wh2, D(2025, 2, 28)): (0, "none"),
                (wh2, D(2025, 3, 31)): (20, "moves"),
                (wh2, D(2025, 4, 30)): (15, "moves"),
            },
        )
        table = self.table(self.kettle, D(2025, 2, 4), count=1)
        self.assertEqual(table[(wh1, D(2025, 2, 4))], (100, "moves"))
        self.assertEqual(table[(wh1, D(2025, 1, 31))], (100, "moves"))

    def test_imported_levels_before_odoo_tracked_the_product(self):
        """A product Odoo has no moves for: its stock at a date is the latest imported level
        on or before it."""
        chair = self._product("Chair", is_storable=False)
        for day, quantity in (("2024-12-31", 12), ("2025-02-15", 9)):
            self.Level.create(
                {
                    "product_id": chair.id,
                    "warehouse_id": self.warehouse.id,
                    "location_id": self.stock.id,
                    "account": "21",
                    "date": day,
                    "quantity": quantity,
                    "key": f"chair-{day}",
                }
            )
        table = self.table(chair, D(2025, 4, 15), period="quarter", count=2)
        wh1 = self.warehouse.id
        self.assertEqual(table[(wh1, D(2024, 12, 31))], (12, "import"))
        self.assertEqual(table[(wh1, D(2025, 3, 31))], (9, "import"))
        self.assertEqual(table[(wh1, D(2025, 4, 15))], (9, "import"))
        self.assertEqual(table[(self.second.id, D(2025, 4, 15))], (0, "none"))
        self.assertEqual(len(table), 2 * 3)

    def test_product_form_button_and_bad_input(self):
        """The product form's button shows the table for today and six month ends; a future
        date, a count out of range and a user without forecasting rights are refused."""
        action = self.kettle.product_tmpl_id.with_user(
            self.forecast_user
        ).action_open_stock_by_date()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(len(wizard.line_ids), 2 * 7)
        chosen = wizard.line_ids.filtered("is_chosen_date")
        self.assertEqual(sorted(chosen.mapped("quantity")), [15, 50])
        with self.assertRaisesRegex(UserError, "in the future"):
            self.table(self.kettle, D(2100, 1, 1))
        with self.assertRaisesRegex(UserError, "from 1 to 36"):
            self.table(self.kettle, D(2025, 4, 30), count=0)
        with self.assertRaises(AccessError):
            self.table(self.kettle, D(2025, 4, 30), user=self.purchase_only_user)


@tagged("post_install", "-at_install")
class TestTurnoverAccess(PurchaseForecastImportCommon):
    """Statement lines of one company are out of reach of the other's users."""

    def test_lines_follow_company_rules(self):
        """A user of two companies who made a statement in the first no longer sees its
        lines, even by id, when working in the second only."""
        other = self.env["res.company"].create({"name": "Company B"})
        both = new_test_user(
            self.env,
            login="pf_two_companies",
            groups="base.group_user,purchase_forecast.group_forecast_user",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | other).ids)],
        )
        kettle = self._product("Kettle")
        self._receive(kettle, 3, D(2025, 1, 10))
        wizard = (
            self.env["purchase.forecast.turnover"]
            .with_user(both)
            .with_context(allowed_company_ids=self.company.ids)
            .create(
                {"product_ids": [(6, 0, kettle.ids)], "date_from": "2025-01-01", "period": "year"}
            )
        )
        wizard.action_compute()
        self.assertTrue(wizard.line_ids)
        Line = (
            self.env["purchase.forecast.turnover.line"]
            .with_user(both)
            .with_context(allowed_company_ids=other.ids)
        )
        self.assertFalse(Line.search([("id", "in", wizard.line_ids.ids)]))
        Line = Line.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(Line.search([("id", "in", wizard.line_ids.ids)]), wizard.line_ids)
