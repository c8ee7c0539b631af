from odoo import fields, models


class PurchaseBotApiKey(models.TransientModel):
    """Shows the bot user's new API key once, for the worker's ODOO_API_KEY."""

    _name = "purchase.bot.api.key"
    _description = "Telegram Bot API Key"

    login = fields.Char(readonly=True)
    api_key = fields.Char(readonly=True)
    expires_at = fields.Datetime(readonly=True)
