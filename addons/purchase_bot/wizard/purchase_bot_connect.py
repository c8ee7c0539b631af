from odoo import fields, models


class PurchaseBotConnect(models.TransientModel):
    """Shows the one-time Telegram link and its QR code; the link only lives in the browser."""

    _name = "purchase.bot.connect"
    _description = "Connect Telegram"

    deep_link = fields.Char(readonly=True)
    qr_code = fields.Binary(readonly=True)
    expires_at = fields.Datetime(readonly=True)
