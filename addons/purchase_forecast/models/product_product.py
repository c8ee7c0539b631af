from odoo import api, fields, models
from odoo.fields import Domain

from .purchase_forecast_result import DEMAND_CLASSES


class ProductProduct(models.Model):
    _inherit = "product.product"

    forecast_result_id = fields.Many2one(
        "purchase.forecast.result",
        compute="_compute_forecast",
        string="Latest Forecast",
        help="This product's result in the latest finished quantity forecast of the company.",
    )
    forecast_demand_class = fields.Selection(
        DEMAND_CLASSES, compute="_compute_forecast", string="Demand Class"
    )
    forecast_explanation = fields.Char(compute="_compute_forecast", string="Forecast in Words")
    forecast_next_quantity = fields.Float(
        compute="_compute_forecast", digits="Product Unit", string="Next Period Forecast"
    )
    forecast_chart = fields.Json(compute="_compute_forecast")

    def _forecast_result_domain(self):
        return Domain(
            [
                ("product_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
                ("failed", "=", False),
                ("run_id.state", "=", "done"),
                ("run_id.measure", "=", "quantity"),
            ]
        )

    @api.depends_context("company", "lang")
    def _compute_forecast(self):
        Result = self.env["purchase.forecast.result"]
        latest = dict(
            Result._read_group(self._forecast_result_domain(), ["product_id"], ["id:max"])
        )
        results = Result.browse(latest.values())
        lines = self.env["purchase.forecast.line"].search(
            [("run_id", "in", results.run_id.ids), ("product_id", "in", self._origin.ids)],
            order="date",
        )
        lines_by_key = {}
        for line in lines:
            lines_by_key.setdefault((line.run_id.id, line.product_id.id), []).append(line)
        for product in self:
            result = Result.browse(latest.get(product._origin) or [])
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
        """The product's forecast lines of the latest run, as a graph."""
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
