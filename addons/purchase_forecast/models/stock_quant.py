from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_inventory_move_values(
        self, qty, location_id, location_dest_id, package_id=False, package_dest_id=False
    ):
        """Tag inventory adjustments made by a file import with its log."""
        values = super()._get_inventory_move_values(
            qty, location_id, location_dest_id, package_id, package_dest_id
        )
        if self.env.context.get("forecast_import_id"):
            values["forecast_import_id"] = self.env.context["forecast_import_id"]
        return values
