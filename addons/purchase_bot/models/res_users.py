import base64
import io

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    telegram_link_ids = fields.One2many(
        "purchase.bot.link", "user_id", string="Telegram Links", groups="base.group_system"
    )
    telegram_linked = fields.Boolean(
        compute="_compute_telegram_linked", string="Telegram Connected"
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "telegram_linked"]

    def _compute_telegram_linked(self):
        linked = set(
            self.env["purchase.bot.link"]
            .sudo()
            .search([("user_id", "in", self.ids), ("active", "=", True)])
            .user_id.ids
        )
        for user in self:
            user.telegram_linked = user.id in linked

    def action_telegram_connect(self):
        """A one-time deep link (and its QR code) that links this user's Telegram account."""
        self.ensure_one()
        if self != self.env.user:
            raise AccessError(self.env._("You can only connect your own Telegram account."))
        if not self._is_internal():
            raise AccessError(self.env._("Only internal users can use the Telegram assistant."))
        username = self.env["ir.config_parameter"].sudo().get_param("purchase_bot.bot_username")
        if not username:
            raise UserError(
                self.env._(
                    "The Telegram bot is not configured yet: ask an administrator to "
                    "set its username in the Purchase settings."
                )
            )
        token, expires = self.env["purchase.bot.link.token"]._issue(self)
        link = f"https://t.me/{username.lstrip('@')}?start={token}"
        # the link travels to the browser in the action's context only: never stored in clear
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect Telegram"),
            "res_model": "purchase.bot.connect",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_deep_link": link,
                "default_qr_code": _qr_png(link),
                "default_expires_at": fields.Datetime.to_string(expires),
            },
        }

    def action_telegram_disconnect(self):
        """Unlink the Telegram account of this user (the user themself or an administrator)."""
        for user in self:
            if user != self.env.user and not self.env.user.has_group("base.group_system"):
                raise AccessError(self.env._("Only administrators can disconnect other users."))
        self.env["purchase.bot.link"].sudo().search(
            [("user_id", "in", self.ids), ("active", "=", True)]
        ).action_unlink_account()
        return True

    @api.model
    def _setup_bot_user(self, expiration_days=365):
        """The Telegram worker's technical user (only the gateway group) and a new API key for
        it; earlier keys of that user are revoked. Returns (user, key)."""
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators can set up the Telegram bot."))
        group = self.env.ref("purchase_bot.group_bot_gateway")
        user = self.env.ref("purchase_bot.user_telegram_bot", raise_if_not_found=False)
        if not user:
            user = (
                self.sudo()
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "Telegram Bot",
                        "login": "telegram_bot",
                        "group_ids": [(6, 0, group.ids)],
                    }
                )
            )
            self.env["ir.model.data"].sudo().create(
                {
                    "module": "purchase_bot",
                    "name": "user_telegram_bot",
                    "model": "res.users",
                    "res_id": user.id,
                    "noupdate": True,
                }
            )
        Keys = self.env["res.users.apikeys"].sudo()
        Keys.search([("user_id", "=", user.id)])._remove()
        expires = fields.Datetime.add(fields.Datetime.now(), days=expiration_days)
        key = Keys.with_user(user).sudo()._generate("rpc", "Telegram worker", expires)
        return user, key


def _qr_png(text):
    import qrcode

    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
