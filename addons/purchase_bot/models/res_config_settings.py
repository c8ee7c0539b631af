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

    purchase_bot_digest_risk = fields.Float(
        related="company_id.purchase_bot_digest_risk", readonly=False
    )

    def action_purchase_bot_setup(self):
        """Create (or reuse) the worker's technical user and show a new API key once."""
        user, key = self.env["res.users"]._setup_bot_user()
        expires = (
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", user.id)], order="id desc", limit=1)
            .expiration_date
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Telegram Bot API Key"),
            "res_model": "purchase.bot.api.key",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_login": user.login,
                "default_api_key": key,
                "default_expires_at": fields.Datetime.to_string(expires) if expires else False,
            },
        }
