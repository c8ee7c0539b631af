import datetime as dt
import hashlib
import secrets

from odoo import api, fields, models

TOKEN_LIFETIME = dt.timedelta(minutes=10)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class PurchaseBotLinkToken(models.Model):
    """A one-time token linking a Telegram account to an Odoo user: stored only as a hash,
    valid ten minutes, consumed by the first /start that presents it."""

    _name = "purchase.bot.link.token"
    _description = "Telegram Link Token"
    _order = "id desc"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="cascade")
    token_hash = fields.Char(required=True, index=True)
    expires_at = fields.Datetime(required=True)
    used_at = fields.Datetime()

    _token_hash_unique = models.Constraint("UNIQUE(token_hash)", "Token already exists.")

    @api.model
    def _issue(self, user):
        """A fresh token for `user` (returned in clear once, never stored); earlier unused
        tokens of the user stop working."""
        self.sudo().search([("user_id", "=", user.id), ("used_at", "=", False)]).unlink()
        token = secrets.token_urlsafe(32)  # 43 characters of A-Za-z0-9_-: fits a deep link
        expires = fields.Datetime.now() + TOKEN_LIFETIME
        self.sudo().create(
            {"user_id": user.id, "token_hash": hash_token(token), "expires_at": expires}
        )
        return token, expires

    @api.model
    def _find(self, token):
        """The live token record matching `token`, locked; or an error code and no record."""
        if not token or len(token) > 128:
            return "token_invalid", self.browse()
        record = self.sudo().search([("token_hash", "=", hash_token(token))], limit=1)
        if record:
            # two simultaneous /start with one token must not both succeed
            self.env.cr.execute(
                "SELECT id FROM purchase_bot_link_token WHERE id = %s FOR UPDATE", [record.id]
            )
            record.invalidate_recordset()
        # a portal user's token (issued before only internal users could) links nobody
        user = record.user_id
        if not record or record.used_at or not user.active or not user._is_internal():
            return "token_invalid", self.browse()
        if record.expires_at < fields.Datetime.now():
            return "token_expired", self.browse()
        return None, record

    @api.autovacuum
    def _gc_tokens(self):
        limit = fields.Datetime.now() - dt.timedelta(days=1)
        self.sudo().search([("expires_at", "<", limit)]).unlink()
