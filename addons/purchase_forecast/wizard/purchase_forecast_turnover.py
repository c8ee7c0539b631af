import base64
import datetime as dt
import io
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

STATEMENT_PERIODS = ("month", "quarter", "year", "range")
MAX_PERIODS = 240  # 20 years of months: a statement longer than that is a typing error
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
MOVEMENTS = ("receipt_quantity", "receipt_value", "issue_quantity", "issue_value")


def period_bounds(date_from, date_to, period):
    """[(first day, last day)] of the calendar months, quarters or years that cover
    date_from..date_to, clipped to it; one pair for the whole range with `range`."""
    if period == "range":
        return [(date_from, date_to)]
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    start = date_from.replace(day=1, month=(date_from.month - 1) // months * months + 1)
    bounds = []
    while start <= date_to:
        following = start + relativedelta(months=months)
        bounds.append((max(start, date_from), min(following - dt.timedelta(days=1), date_to)))
        start = following
    return bounds


def _day_after(day):
    """Moves are datetimes: a day ends where the next one begins (UTC)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)


class PurchaseForecastTurnover(models.TransientModel):
    """Turnover statement (оборотно-сальдовая ведомость) of products over a period: opening
    balance, receipts, issues and closing balance in quantity and value, per product and
    period, from Odoo's stock moves or from imported 1C turnover sheets."""

    _name = "purchase.forecast.turnover"
    _description = "Turnover Statement"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    category_id = fields.Many2one(
        "product.category", help="Every goods product of this category and its subcategories."
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Only the stock of this warehouse; empty: the whole company.",
    )
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    period = fields.Selection(
        [("month", "Months"), ("quarter", "Quarters"), ("year", "Years"), ("range", "Whole range")],
        required=True,
        default="quarter",
    )
    line_ids = fields.One2many("purchase.forecast.turnover.line", "wizard_id", readonly=True)

    # ---------------------------------------------------------------- checks

    def _check_statement_access(self):
        if not self.env.user.has_group("purchase_forecast.group_forecast_user"):
            raise AccessError(self.env._("Only forecasting users may read turnover statements."))

    @api.model
    def _check_range(self, date_from, date_to, period):
        if period not in STATEMENT_PERIODS:
            raise UserError(
                self.env._(
                    "Choose months, quarters, years or the whole range, not '%(period)s'.",
                    period=period,
                )
            )
        if not date_from or not date_to:
            raise UserError(self.env._("Give the first and the last day of the statement."))
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The statement starts on %(start)s, after its end on %(end)s: swap the dates.",
                    start=date_from,
                    end=date_to,
                )
            )
        if len(period_bounds(date_from, date_to, period)) > MAX_PERIODS:
            raise UserError(
                self.env._(
                    "The statement would have more than %(max)s periods: choose a longer "
                    "period or a shorter range.",
                    max=MAX_PERIODS,
                )
            )

    def _scope_products(self):
        """The chosen products and the goods of the chosen category, as the user may read."""
        self.ensure_one()
        products = self.product_ids
        if self.category_id:
            products |= self.env["product.product"].search(
                [("categ_id", "child_of", self.category_id.id), ("type", "=", "consu")]
            )
        if not products:
            raise UserError(self.env._("Choose a product or a category for the statement."))
        products.check_access("read")
        return products

    # ---------------------------------------------------------------- statement

    @api.model
    def _statement(self, company, products, date_from, date_to, period, warehouse=None):
        """Statement rows (dicts with product_id, date_start, date_end, source and FIGURES)
        per product and period, oldest first.

        A product with imported 1C turnover sheets in the company is read from them (the
        sheets are the books of record; their import may also have counted the stock into
        Odoo as an inventory adjustment, which must not count twice); any other product from
        Odoo's done stock moves into and out of the company's internal locations.
        """
        self._check_statement_access()
        self._check_range(date_from, date_to, period)
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You have no access to company %s.", company.name))
        warehouse = warehouse or self.env["stock.warehouse"]
        sheet_ids = self._sheet_products(company, products)
        bounds = period_bounds(date_from, date_to, period)
        rows = self._rows_from_sheets(
            company, products.filtered(lambda p: p.id in sheet_ids), bounds, warehouse
        )
        rows += self._rows_from_moves(
            company, products.filtered(lambda p: p.id not in sheet_ids), bounds, warehouse
        )
        rows.sort(key=lambda row: (row["product_id"], row["date_start"]))
        return rows

    @api.model
    def _sheet_products(self, company, products):
        Level = self.env["purchase.forecast.stock.level"].sudo()
        groups = Level._read_group(
            [
                ("company_id", "=", company.id),
                ("product_id", "in", products.ids),
                ("has_movements", "=", True),
            ],
            ["product_id"],
        )
        return {product.id for (product,) in groups}

    # moves

    @api.model
    def _internal_domain(self, prefix, company, warehouse):
        domain = Domain(
            [(f"{prefix}.usage", "=", "internal"), (f"{prefix}.company_id", "=", company.id)]
        )
        if warehouse:
            domain &= Domain(f"{prefix}.warehouse_id", "=", warehouse.id)
        return domain

    @api.model
    def _flow_domain(self, company, products, warehouse, direction, date_to):
        """Done moves into (`in`) or out of (`out`) the scope's stock up to date_to."""
        inside = "location_dest_id" if direction == "in" else "location_id"
        outside = "location_id" if direction == "in" else "location_dest_id"
        return Domain(
            [
                ("state", "=", "done"),
                ("company_id", "=", company.id),
                ("product_id", "in", products.ids),
                ("date", "<", _day_after(date_to)),
            ]
        ) & (
            self._internal_domain(inside, company, warehouse)
            & ~self._internal_domain(outside, company, warehouse)
        )

    @api.model
    def _flows_quantities(self, domain):
        """[(product id, day, quantity in the product's unit, value)] of the done moves of
        `domain`, grouped by product and day."""
        flows = []
        for product, uom, day, quantity, value in (
            self.env["stock.move"]
            .sudo()
            .with_context(tz="UTC")  # days as the domains bound them
            ._read_group(
                domain, ["product_id", "product_uom", "date:day"], ["quantity:sum", "value:sum"]
            )
        ):
            if uom != product.uom_id:
                quantity = uom._compute_quantity(quantity, product.uom_id, round=False)
            day = day.date() if isinstance(day, dt.datetime) else day
            flows.append((product.id, day, quantity, value))
        return flows

    @api.model
    def _flows(self, company, products, warehouse, direction, date_to):
        """[(product id, day, quantity in the product's unit, value)] of the moves.

        Value: the move's valuation (stock_account's `value`, set on moves entering or
        leaving the company's valued stock); a move without one (transfers between two
        warehouses, an unvalued product) is valued at the product's current cost."""
        domain = self._flow_domain(company, products, warehouse, direction, date_to)
        costs = {p.id: p.standard_price for p in products.with_company(company)}
        # a partition: valued moves (value > 0 or < 0; SQL's NULL is neither) and the rest
        valued = Domain("value", ">", 0) | Domain("value", "<", 0)
        flows = self._flows_quantities(domain & valued)
        for product_id, day, quantity, _value in self._flows_quantities(
            domain & Domain("value", "=", False)
        ):
            flows.append((product_id, day, quantity, quantity * costs.get(product_id, 0.0)))
        return flows

    @api.model
    def _rows_from_moves(self, company, products, bounds, warehouse):
        if not products:
            return []
        date_to = bounds[-1][1]
        by_product = defaultdict(list)
        for direction in ("in", "out"):
            for product_id, day, quantity, value in self._flows(
                company, products, warehouse, direction, date_to
            ):
                by_product[product_id].append((day, direction, quantity, value))
        rows = []
        for product_id, flows in by_product.items():
            product_rows = [self._moves_row(product_id, start, end, flows) for start, end in bounds]
            if any(abs(row[name]) > 1e-9 for row in product_rows for name in FIGURES):
                rows += product_rows
        return rows

    @api.model
    def _moves_row(self, product_id, start, end, flows):
        row = dict.fromkeys(FIGURES, 0.0)
        for day, direction, quantity, value in flows:
            sign = 1 if direction == "in" else -1
            if day < start:
                row["opening_quantity"] += sign * quantity
                row["opening_value"] += sign * value
            elif day <= end:
                kind = "receipt" if direction == "in" else "issue"
                row[f"{kind}_quantity"] += quantity
                row[f"{kind}_value"] += value
        return self._closed(
            row, product_id=product_id, date_start=start, date_end=end, source="moves"
        )

    @classmethod
    def _closed(cls, row, **values):
        """The row closed from its opening balance and movements, rounded."""
        row["closing_quantity"] = (
            row["opening_quantity"] + row["receipt_quantity"] - row["issue_quantity"]
        )
        row["closing_value"] = row["opening_value"] + row["receipt_value"] - row["issue_value"]
        return cls._rounded(row, **values)

    @staticmethod
    def _rounded(row, **values):
        for name in FIGURES:
            row[name] = round(row[name], 2 if name.endswith("_value") else 6)
        return {**values, **row}

    # sheets

    @api.model
    def _rows_from_sheets(self, company, products, bounds, warehouse):
        """Rows from the imported sheets whose periods lie in the statement's range.

        A sheet period inside one statement period is added up into it (per account: the
        opening of its first sheet, the receipts and issues of all, the closing of the
        last); a sheet period longer than the statement's (a quarter's sheet in a
        statement by months) is a row of its own, with its own dates: the sheet cannot be
        split."""
        if not products:
            return []
        domain = Domain(
            [
                ("company_id", "=", company.id),
                ("product_id", "in", products.ids),
                ("has_movements", "=", True),
                ("period_start", ">=", bounds[0][0]),
                ("date", "<=", bounds[-1][1]),
            ]
        )
        if warehouse:
            domain &= Domain("warehouse_id", "=", warehouse.id)
        Level = self.env["purchase.forecast.stock.level"].sudo()
        groups = Level._read_group(
            domain,
            ["product_id", "account", "period_start:day", "date:day"],
            [
                "opening_quantity:sum",
                "opening_value:sum",
                "receipt_quantity:sum",
                "receipt_value:sum",
                "issue_quantity:sum",
                "issue_value:sum",
                "quantity:sum",
                "value:sum",
            ],
        )
        buckets = defaultdict(lambda: defaultdict(list))
        for product, account, first, last, *figures in groups:
            key = self._sheet_bucket(first, last, bounds)
            buckets[(product.id, *key)][account].append((first, last, figures))
        rows = []
        for (product_id, start, end), accounts in buckets.items():
            row = dict.fromkeys(FIGURES, 0.0)
            for levels in accounts.values():
                levels.sort()
                row["opening_quantity"] += levels[0][2][0]
                row["opening_value"] += levels[0][2][1]
                for _first, _last, figures in levels:
                    for index, name in enumerate(MOVEMENTS, start=2):
                        row[name] += figures[index]
                # the sheet's own closing balance, not one worked out: the statement shows
                # what the books say, and a test can check that they add up
                row["closing_quantity"] += levels[-1][2][6]
                row["closing_value"] += levels[-1][2][7]
            rows.append(
                self._rounded(
                    row, product_id=product_id, date_start=start, date_end=end, source="sheet"
                )
            )
        return rows

    @staticmethod
    def _sheet_bucket(first, last, bounds):
        for start, end in bounds:
            if start <= first <= end:
                return (start, end) if last <= end else (first, last)
        return first, last

    # ---------------------------------------------------------------- actions

    def action_compute(self):
        """Fill the statement lines and open them as a list and a pivot."""
        self.ensure_one()
        self._check_statement_access()
        products = self._scope_products()
        rows = self._statement(
            self.company_id, products, self.date_from, self.date_to, self.period, self.warehouse_id
        )
        self.line_ids.unlink()
        self.env["purchase.forecast.turnover.line"].create(
            [{**row, "wizard_id": self.id} for row in rows]
        )
        name = self.env._("Turnover Statement")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "purchase.forecast.turnover.line",
            "view_mode": "list,pivot",
            "domain": [("wizard_id", "=", self.id)],
            "context": {"turnover_wizard_id": self.id},
        }

    def action_export_xlsx(self):
        """The statement as an XLSX file, downloaded by the browser."""
        self.ensure_one()
        self._check_statement_access()
        if not self.line_ids:
            self.action_compute()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._xlsx_filename(),
                "datas": base64.b64encode(self._xlsx_content(self.line_ids)),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _xlsx_filename(self):
        return f"turnover_{self.date_from:%Y%m%d}_{self.date_to:%Y%m%d}.xlsx"

    @api.model
    def _xlsx_headers(self):
        currency = self.env.company.currency_id.name
        return [
            self.env._("Product"),
            self.env._("Code"),
            self.env._("Unit"),
            self.env._("From"),
            self.env._("To"),
            self.env._("Source"),
            self.env._("Opening quantity"),
            self.env._("Opening value, %(currency)s", currency=currency),
            self.env._("Receipts quantity"),
            self.env._("Receipts value, %(currency)s", currency=currency),
            self.env._("Issues quantity"),
            self.env._("Issues value, %(currency)s", currency=currency),
            self.env._("Closing quantity"),
            self.env._("Closing value, %(currency)s", currency=currency),
        ]

    @api.model
    def _xlsx_content(self, lines):
        """An XLSX workbook of statement lines: numbers as numbers, dates as dates."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.env._("Turnover")[:31]
        sheet.append(self._xlsx_headers())
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sources = dict(lines._fields["source"]._description_selection(self.env))
        for line in lines:
            product = line.product_id
            sheet.append(
                [
                    product.with_context(display_default_code=False).display_name,
                    product.default_code or "",
                    line.uom_id.name or "",
                    line.date_start,
                    line.date_end,
                    sources.get(line.source, line.source),
                    *(line[name] for name in FIGURES),
                ]
            )
            for cell in sheet[sheet.max_row][3:5]:
                cell.number_format = "DD.MM.YYYY"
            for index, cell in enumerate(sheet[sheet.max_row][6:]):
                cell.number_format = "#,##0.###" if index % 2 == 0 else "#,##0.00"
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 48
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
