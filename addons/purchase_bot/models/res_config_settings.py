from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    purchase_bot_username = fields.Char(
        string="Telegram Bot Username",
        config_parameter="purchase_bot.bot_username",
        help="The bot's @username without the @; used to build the one-time "
        "https://t.me/<bot>?start=<token> links. The bot token itself never "
        "enters Odoo: it lives with the worker.",
    )
