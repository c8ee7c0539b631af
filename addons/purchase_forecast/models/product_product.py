from odoo import api, fields, models

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
