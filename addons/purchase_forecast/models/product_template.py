from odoo import api, fields, models

from .purchase_forecast_result import DEMAND_CLASSES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    forecast_result_id = fields.Many2one(
        "purchase.forecast.result",
        compute="_compute_forecast",
        string="Published Forecast",
        help="The published forecast of the only variant, or of the first variant that has one.",
    )
    forecast_demand_class = fields.Selection(
        DEMAND_CLASSES, compute="_compute_forecast", string="Demand Class"
    )
    forecast_explanation = fields.Char(compute="_compute_forecast", string="Forecast in Words")
    forecast_chart = fields.Json(compute="_compute_forecast")
    forecast_next_quantity = fields.Float(
        compute="_compute_forecast",
        digits="Product Unit",
        string="Next Period Forecast",
        help="Expected demand of all variants in the coming period.",
    )

    kpgz_code = fields.Char(
        string="KPGZ Code", index="btree_not_null", help="Category code in the KPGZ classifier."
    )
    spgz_id = fields.Char(
        string="SPGZ ID",
        index="btree_not_null",
        help="Persistent id of the catalog item (SPGZ) in the procurement portal.",
    )
    spgz_version_id = fields.Char(string="SPGZ Version ID")
    ste_code = fields.Char(string="STE Code", index="btree_not_null")
    reference_price = fields.Float(digits="Product Price", help="Reference price of the catalog.")
    procurement_characteristic_ids = fields.One2many(
        "purchase.forecast.characteristic", "product_tmpl_id", string="Characteristics"
    )

    @api.depends("product_variant_ids")
    @api.depends_context("company", "lang")
    def _compute_forecast(self):
        for template in self:
            variants = template.product_variant_ids
            shown = (variants.filtered("forecast_result_id") or variants)[:1]
            template.forecast_result_id = shown.forecast_result_id
            template.forecast_demand_class = shown.forecast_demand_class
            template.forecast_explanation = shown.forecast_explanation
            template.forecast_chart = shown.forecast_chart
            template.forecast_next_quantity = sum(variants.mapped("forecast_next_quantity"))

    def action_open_forecast(self):
        return self.product_variant_ids.action_open_forecast()

    def action_adjust_forecast(self):
        """A new adjustment of this product's forecast, in a dialog."""
        self.ensure_one()
        return self.env["purchase.forecast.adjustment"]._action_new(
            {"target": "product", "product_id": self.product_variant_ids[:1].id}
        )

    def action_open_stock_by_date(self):
        return self.product_variant_ids[:1].action_open_stock_by_date()

    def action_open_turnover(self):
        return self.product_variant_ids.action_open_turnover()
