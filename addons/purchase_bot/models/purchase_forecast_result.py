from odoo import models


class PurchaseForecastResult(models.Model):
    _inherit = "purchase.forecast.result"

    def _bot_series(self):
        """History and forecast per period of this published result, as the run stored them
        (the product tab's lines), for the Telegram card's chart."""
        self.ensure_one()
        history = self.history_json or {}
        values = history.get("values", [])
        lines = self.env["purchase.forecast.line"].search(
            [("run_id", "=", self.run_id.id), ("product_id", "=", self.product_id.id)],
            order="date",
        )
        return {
            "period": self.period,
            "band_level": 0.8,
            "history": [
                {"date": day, "quantity": value}
                for day, value in zip(history.get("dates", []), values, strict=False)
            ],
            "forecast": [
                {
                    "date": str(line.date),
                    "mean": round(line.quantity, 3),
                    "low": round(line.quantity_low, 3),
                    "high": round(line.quantity_high, 3),
                }
                for line in lines
            ],
        }
