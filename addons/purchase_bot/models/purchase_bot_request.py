import datetime as dt

from odoo import api, fields, models


class PurchaseBotRequest(models.Model):
    """The answer to a writing gateway call, kept two days by request id: a worker retrying
    a call that timed out after Odoo committed gets the first answer, not a second line."""

    _name = "purchase.bot.request"
    _description = "Telegram Gateway Request"

    link_id = fields.Many2one("purchase.bot.link", required=True, index=True, ondelete="cascade")
    request_id = fields.Char(required=True)
    method = fields.Char(required=True)
    answer = fields.Json()

    _request_unique = models.Constraint(
        "UNIQUE(link_id, method, request_id)", "Request already answered."
    )

    @api.autovacuum
    def _gc_requests(self):
        limit = fields.Datetime.now() - dt.timedelta(days=2)
        self.sudo().search([("create_date", "<", limit)]).unlink()
