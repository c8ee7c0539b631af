from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    purchase_bot_digest_risk = fields.Float(
        string="Digest Stockout Risk (%)",
        default=20.0,
        help="The daily Telegram digest lists the products whose probability of running out "
        "within their lead time is above this.",
    )

    _purchase_bot_digest_risk_range = models.Constraint(
        "CHECK(purchase_bot_digest_risk > 0 AND purchase_bot_digest_risk < 100)",
        "The digest's stockout risk must be above 0% and below 100%.",
    )
