from odoo import api, fields, models


class PurchaseBotLink(models.Model):
    """A Telegram account linked to an Odoo user."""

    _name = "purchase.bot.link"
    _description = "Telegram Account Link"
    _order = "create_date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="cascade")
    telegram_user_id = fields.Char(
        string="Telegram User ID",
        required=True,
        index=True,
        readonly=True,
        help="Numeric Telegram user id; the private chat with the bot has the same id.",
    )
    telegram_username = fields.Char(readonly=True)
    active = fields.Boolean(default=True)
    last_activity = fields.Datetime(readonly=True)

    # One Telegram account per Odoo user and one Odoo user per Telegram account, so a
    # second link can neither hijack an account nor leave two buyers on one chat.
    _telegram_user_unique = models.UniqueIndex(
        "(telegram_user_id) WHERE active IS TRUE",
        "This Telegram account is already linked to an Odoo user.",
    )
    _user_unique = models.UniqueIndex(
        "(user_id) WHERE active IS TRUE",
        "This user already has a linked Telegram account.",
    )

    @api.depends("user_id", "telegram_username", "telegram_user_id")
    def _compute_display_name(self):
        for link in self:
            who = f"@{link.telegram_username}" if link.telegram_username else link.telegram_user_id
            link.display_name = f"{link.user_id.name} ↔ {who}"

    def action_unlink_account(self):
        """Disconnect the Telegram account: the bot stops answering it until relinked."""
        self.write({"active": False})
        # the partial unique indexes only see the change once it is in the database, and
        # a relink in the same transaction must not collide with this link
        self.flush_recordset(["active"])
        return True
