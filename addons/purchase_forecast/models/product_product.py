import datetime as dt
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import formatLang

from .purchase_forecast_result import DEMAND_CLASSES


class ProductProduct(models.Model):
    _inherit = "product.product"

    forecast_result_id = fields.Many2one(
        "purchase.forecast.result",
        compute="_compute_forecast",
        string="Published Forecast",
        help="This product's result in the company's published quantity forecast (the "
        "company-wide one, else a warehouse's).",
    )
    forecast_demand_class = fields.Selection(
        DEMAND_CLASSES, compute="_compute_forecast", string="Demand Class"
    )
    forecast_explanation = fields.Char(compute="_compute_forecast", string="Forecast in Words")
    forecast_next_quantity = fields.Float(
        compute="_compute_forecast", digits="Product Unit", string="Next Period Forecast"
    )
    forecast_chart = fields.Json(compute="_compute_forecast")

    def _published_results(self):
        """{product: its result in the published quantity runs of the company}: the
        company-wide run first, then the warehouses' runs, latest published first."""
        runs = self.env["purchase.forecast.run"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("published", "=", True),
                ("measure", "=", "quantity"),
            ],
            order="published_date desc, id desc",
        )
        runs = runs.sorted(lambda run: run.publish_key != "quantity:all")
        rank = {run.id: index for index, run in enumerate(runs)}
        results = self.env["purchase.forecast.result"].search(
            [
                ("run_id", "in", runs.ids),
                ("product_id", "in", self._origin.ids),
                ("failed", "=", False),
            ]
        )
        chosen = {}
        for result in results.sorted(lambda r: rank[r.run_id.id]):
            chosen.setdefault(result.product_id, result)
        return chosen

    @api.depends_context("company", "lang")
    def _compute_forecast(self):
        Result = self.env["purchase.forecast.result"]
        published = self._published_results()
        results = Result.union(*published.values())
        lines = self.env["purchase.forecast.line"].search(
            [("run_id", "in", results.run_id.ids), ("product_id", "in", self._origin.ids)],
            order="date",
        )
        lines_by_key = {}
        for line in lines:
            lines_by_key.setdefault((line.run_id.id, line.product_id.id), []).append(line)
        for product in self:
            result = published.get(product._origin, Result)
            own = lines_by_key.get((result.run_id.id, product._origin.id), [])
            product.forecast_result_id = result
            product.forecast_demand_class = result.demand_class
            product.forecast_explanation = result.explanation if result else False
            product.forecast_next_quantity = own[0].quantity if own else 0.0
            product.forecast_chart = product._forecast_chart_data(result, own) if result else False

    def _forecast_chart_data(self, result, lines):
        """History, forecast and band as the product's forecast graph draws them."""
        history = result.history_json or {}
        values = history.get("values", [])
        # periods before the product's first demand would leave the graph's left side empty
        first = next((index for index, value in enumerate(values) if value is not None), 0)
        return {
            "period": result.period,
            "uom": self.uom_id.name,
            "history": {"dates": history.get("dates", [])[first:], "values": values[first:]},
            "stockout": history.get("stockout", []),
            "forecast": {
                "dates": [str(line.date) for line in lines],
                "mean": [round(line.quantity, 4) for line in lines],
                "low": [round(line.quantity_low, 4) for line in lines],
                "high": [round(line.quantity_high, 4) for line in lines],
            },
            "labels": {
                "history": self.env._("History"),
                "forecast": self.env._("Forecast"),
                "band": self.env._("80% band"),
                "stockout": self.env._("No stock"),
            },
        }

    def action_open_forecast(self):
        """The product's forecast lines of the published run, as a graph."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_forecast.purchase_forecast_line_action"
        )
        runs = self.forecast_result_id.run_id
        domain = [("product_id", "in", self.ids)]
        if runs:
            domain.append(("run_id", "in", runs.ids))
        action.update(
            {
                "domain": domain,
                "view_mode": "graph,list,pivot",
                "views": [(False, "graph"), (False, "list"), (False, "pivot")],
            }
        )
        return action

    # ---------------------------------------------------------------- stock at a date

    def _stock_at_dates(self, company, days, warehouses):
        """On hand at the end of each day, per product and warehouse:
        {(product id, warehouse id, day): (quantity, source)}.

        From the day a product's first done move touches the warehouse, today's quantity on
        hand there is rolled back through the done moves into and out of its internal
        locations made after the day (source `moves`); before it, the imported stock levels
        state it: per account the latest level on or before the day (source `import`);
        with neither, nothing is known (source `none`, quantity 0)."""
        result = {}
        Turnover = self.env["purchase.forecast.turnover"]
        earliest = min(days)
        for warehouse in warehouses:
            on_hand = self._warehouse_on_hand(company, warehouse)
            flows = defaultdict(list)
            for direction in ("in", "out"):
                domain = Turnover._flow_domain(
                    company, self, warehouse, direction, max(fields.Date.today(), max(days))
                ) & Domain("date", ">=", dt.datetime.combine(earliest, dt.time.min))
                sign = 1 if direction == "in" else -1
                for product_id, day, quantity, _value in Turnover._flows_quantities(domain):
                    flows[product_id].append((day, sign * quantity))
            first_move = self._first_move_days(company, warehouse)
            imported = self._imported_levels(company, warehouse, max(days))
            for product in self:
                for day in days:
                    first = first_move.get(product.id)
                    if first is not None and first <= day:
                        later = sum(q for d, q in flows[product.id] if d > day)
                        quantity, source = on_hand.get(product.id, 0.0) - later, "moves"
                    else:
                        quantity, source = self._imported_at(imported.get(product.id, {}), day)
                    result[(product.id, warehouse.id, day)] = (round(quantity, 6), source)
        return result

    def _warehouse_on_hand(self, company, warehouse):
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", self.ids),
                    ("company_id", "=", company.id),
                    ("location_id.usage", "=", "internal"),
                    ("location_id.warehouse_id", "=", warehouse.id),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        return {product.id: quantity for product, quantity in groups}

    def _first_move_days(self, company, warehouse):
        Turnover = self.env["purchase.forecast.turnover"]
        domain = Domain(
            [
                ("state", "=", "done"),
                ("company_id", "=", company.id),
                ("product_id", "in", self.ids),
            ]
        ) & (
            Turnover._internal_domain("location_id", company, warehouse)
            | Turnover._internal_domain("location_dest_id", company, warehouse)
        )
        groups = (
            self.env["stock.move"]
            .sudo()
            .with_context(tz="UTC")
            ._read_group(domain, ["product_id"], ["date:min"])
        )
        return {product.id: first.date() for product, first in groups if first}

    def _imported_levels(self, company, warehouse, last_day):
        """{product id: {account: [(day, quantity)]}} of the imported levels up to last_day."""
        groups = (
            self.env["purchase.forecast.stock.level"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("product_id", "in", self.ids),
                    ("warehouse_id", "=", warehouse.id),
                    ("has_quantity", "=", True),
                    ("date", "<=", last_day),
                ],
                ["product_id", "account", "date:day"],
                ["quantity:sum"],
            )
        )
        levels = defaultdict(lambda: defaultdict(list))
        for product, account, day, quantity in groups:
            levels[product.id][account or ""].append((day, quantity))
        return levels

    @staticmethod
    def _imported_at(accounts, day):
        known = [
            max((level for level in levels if level[0] <= day), default=None)
            for levels in accounts.values()
        ]
        known = [level for level in known if level is not None]
        if not known:
            return 0.0, "none"
        return sum(quantity for _day, quantity in known), "import"

    def action_open_stock_by_date(self):
        """On hand today and at the last six month ends, per warehouse, in a dialog."""
        self.ensure_one()
        wizard = self.env["purchase.forecast.stock.date"].create({"product_id": self.id})
        return wizard.action_compute()

    def action_open_turnover(self):
        """The turnover statement dialog for these products."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "purchase_forecast.purchase_forecast_turnover_action"
        )
        action["context"] = {"default_product_ids": self.ids}
        return action

    # ------------------------------------------------------------------ what a plan reads

    def _purchase_forecast_stock_position(self, warehouse, company, exclude_orders):
        """{product id: on hand, incoming (confirmed receipts and open RFQs), outgoing,
        backorder and position} in ``warehouse``.

        Receipts count whatever their scheduled date, late or far ahead: what is ordered is
        never ordered again. The RFQs ``exclude_orders`` (a plan's own) are not counted.
        """
        quantities = self.with_context(warehouse_id=warehouse.id)._compute_quantities_dict(
            None, None, None
        )
        rfq_domain = Domain(
            [
                ("product_id", "in", self.ids),
                ("state", "in", ("draft", "sent", "to approve")),
                ("company_id", "=", company.id),
                ("order_id.picking_type_id.warehouse_id", "=", warehouse.id),
                ("order_id", "not in", exclude_orders.ids),
            ]
        )
        rfq_qty = defaultdict(float)
        for product, uom, quantity in (
            self.env["purchase.order.line"]
            .sudo()
            ._read_group(rfq_domain, ["product_id", "product_uom_id"], ["product_qty:sum"])
        ):
            rfq_qty[product.id] += uom._compute_quantity(quantity, product.uom_id, round=False)
        backorders = self._purchase_forecast_backorders(warehouse)
        result = {}
        for product in self:
            values = quantities.get(product.id, {})
            on_hand = values.get("qty_available", 0.0)
            incoming = values.get("incoming_qty", 0.0) + rfq_qty[product.id]
            backorder = backorders.get(product.id, 0.0)
            result[product.id] = {
                "on_hand": on_hand,
                "incoming": incoming,
                "outgoing": values.get("outgoing_qty", 0.0),
                "backorder": backorder,
                "position": on_hand + incoming - backorder,
            }
        return result

    def _purchase_forecast_backorders(self, warehouse):
        """Outgoing moves already due but not done: demand owed now, not yet in the forecast."""
        domain = Domain(
            [
                ("product_id", "in", self.ids),
                ("state", "not in", ("draft", "done", "cancel")),
                ("location_id.warehouse_id", "=", warehouse.id),
                ("location_dest_id.usage", "in", ("customer", "production")),
                ("date", "<=", fields.Datetime.now()),
            ]
        )
        owed = defaultdict(float)
        for product, uom, quantity in (
            self.env["stock.move"]
            .sudo()
            ._read_group(domain, ["product_id", "product_uom"], ["product_uom_qty:sum"])
        ):
            owed[product.id] += uom._compute_quantity(quantity, product.uom_id, round=False)
        return owed

    def _purchase_forecast_vendors(self, needed, company, partners):
        """{product id: the vendor to order from, its price, minimum and pack, and why}.

        Odoo's own choice (_select_seller: valid dates, quantity, cheapest) for the quantity
        ``needed`` ({product id: quantity}), among ``partners`` when given (commercial
        partners); when no price list fits that quantity, the vendor with the smallest
        minimum, saying so.
        """
        today = fields.Date.context_today(self)
        vendors = {}
        whole = {
            uom: 1.0 if uom._purchase_forecast_is_count_unit() else None for uom in self.uom_id
        }
        for product in self.with_company(company):
            seller, reason = product._purchase_forecast_seller(needed[product.id], today, partners)
            terms = product._purchase_forecast_no_vendor(whole[product.uom_id])
            if seller:
                terms = seller._purchase_forecast_terms(product, company, whole[product.uom_id])
            vendors[product.id] = {**terms, "reason": reason}
        return vendors

    def _purchase_forecast_seller(self, quantity, date, partners):
        """(the vendor line to order ``quantity`` from, why it is not Odoo's own choice, or
        an empty string)."""
        self.ensure_one()
        sellers = self.seller_ids
        if partners:
            sellers = sellers.filtered(lambda s: s.partner_id.commercial_partner_id in partners)
        seller = self._select_seller(quantity=quantity, date=date)
        if partners and seller and seller.partner_id.commercial_partner_id not in partners:
            seller = seller.browse()
        if seller:
            return seller, ""
        if not sellers:
            return seller, self.env._("no vendor on this product: set one to order it")
        seller = sellers.sorted(lambda s: (s.min_qty, s.price, s.sequence))[:1]
        return seller, self.env._(
            "no price list of %(vendor)s fits today and this quantity; using its "
            "minimum order of %(moq)s",
            vendor=seller.partner_id.display_name,
            moq=formatLang(self.env, seller.min_qty, digits=2),
        )

    def _purchase_forecast_no_vendor(self, whole):
        """The terms of a product without a vendor: its cost, no minimum, no delay."""
        self.ensure_one()
        return {
            "partner": self.env["res.partner"],
            "seller": self.env["product.supplierinfo"],
            "price": self.standard_price,
            "moq": None,
            "multiple": whole,
            "delay": 0,
        }

    def _purchase_forecast_lead_times(self, vendors, company):
        """{product id: lead time in days, its spread, the receipts it was learned from}:
        learned from past receipts when there are enough (mean and spread of
        confirmation-to-receipt days, per product and vendor, else per vendor), otherwise
        the vendor's stated delay; the company's purchase preparation days are added."""
        learned = self.env["product.supplierinfo"]._purchase_forecast_learned_lead_times(
            company, self
        )
        prepare = company.days_to_purchase
        result = {}
        for product in self:
            vendor = vendors[product.id]
            partner = vendor["partner"].commercial_partner_id.id
            stats = learned.get((partner, product.id)) or learned.get((partner, None))
            if stats:
                result[product.id] = {
                    "days": stats["mean"] + prepare,
                    "std": stats["std"],
                    "receipts": stats["count"],
                }
            else:
                result[product.id] = {
                    "days": float(vendor["delay"] or 0) + prepare,
                    "std": 0.0,
                    "receipts": 0,
                }
        return result
