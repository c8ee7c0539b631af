import datetime as dt

from odoo import api, fields, models

CLAIM = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
TELEGRAM_LIMIT = 4096


class PurchaseBotOutbox(models.Model):
    """A Telegram message waiting for the worker: written by Odoo inside its transaction,
    sent by the worker afterwards, so a replayed or rolled back transaction never leaves a
    message sent twice or about something that did not happen."""

    _name = "purchase.bot.outbox"
    _description = "Telegram Outbox"
    _order = "id"

    link_id = fields.Many2one("purchase.bot.link", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one(related="link_id.user_id", store=True)
    kind = fields.Selection(
        [("digest", "Daily digest"), ("approval", "Approval request"), ("info", "Information")],
        required=True,
        default="info",
    )
    text = fields.Text(required=True)
    dedup_key = fields.Char(
        index=True, help="Same key, same message: a notification is queued at most once."
    )
    state = fields.Selection(
        [("pending", "Pending"), ("delivered", "Delivered"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_try_at = fields.Datetime(default=fields.Datetime.now, index=True)
    claimed_until = fields.Datetime()
    delivered_at = fields.Datetime(readonly=True)
    last_error = fields.Char(readonly=True)

    _dedup_unique = models.UniqueIndex(
        "(dedup_key) WHERE dedup_key IS NOT NULL", "This notification is already queued."
    )

    @api.model
    def _queue(self, link, text, kind="info", dedup_key=None):
        """Queue `text` for the linked user, split at Telegram's message size; once per key."""
        if dedup_key and self.sudo().search_count([("dedup_key", "=", f"{dedup_key}#1")], limit=1):
            return self.browse()
        chunks = _split(text, TELEGRAM_LIMIT)
        return self.sudo().create(
            [
                {
                    "link_id": link.id,
                    "text": chunk,
                    "kind": kind,
                    "dedup_key": f"{dedup_key}#{index}" if dedup_key else False,
                }
                for index, chunk in enumerate(chunks, start=1)
            ]
        )

    @api.model
    def _claim(self, limit):
        """Pending messages due now, claimed for a few minutes so another worker skips them."""
        now = fields.Datetime.now()
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM purchase_bot_outbox
             WHERE state = 'pending' AND next_try_at <= %s
               AND (claimed_until IS NULL OR claimed_until < %s)
             ORDER BY id LIMIT %s
             FOR UPDATE SKIP LOCKED
            """,
            [now, now, limit],
        )
        messages = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        messages.write({"claimed_until": now + CLAIM})
        return messages.filtered(lambda m: m.link_id.active and m.link_id.user_id.active)

    def _acknowledge(self, delivered, error=None, permanent=False):
        self.ensure_one()
        if self.state != "pending":
            return self.state
        if delivered:
            self.write(
                {
                    "state": "delivered",
                    "delivered_at": fields.Datetime.now(),
                    "claimed_until": False,
                }
            )
            return "delivered"
        attempts = self.attempts + 1
        values = {"attempts": attempts, "last_error": (error or "")[:500], "claimed_until": False}
        if permanent or attempts >= MAX_ATTEMPTS:
            values["state"] = "failed"
        else:
            # 1, 4, 9, 16 minutes: a flaky network gets time, a dead chat is given up soon
            values["next_try_at"] = fields.Datetime.now() + dt.timedelta(minutes=attempts**2)
        self.write(values)
        return "failed" if values.get("state") == "failed" else "retry"

    @api.model
    def _cron_daily_digest(self):
        """Each linked user's morning message: products at stockout risk within their lead
        time in the latest plan, and what waits for their approval."""
        gateway = self.env["purchase.bot.gateway"]
        today = fields.Date.context_today(self)
        for link in self.env["purchase.bot.link"].sudo().search([("active", "=", True)]):
            if not link.user_id.active:
                continue
            env = gateway._user_env(link.user_id)
            text = self._digest_text(env, gateway)
            if text:
                self._queue(link, text, "digest", f"digest:{link.id}:{today}")

    @api.model
    def _digest_text(self, env, gateway):
        lines = []
        if env.user.has_group("purchase_forecast.group_forecast_user"):
            plan = env["purchase.plan"].search(
                [("state", "in", ("computed", "to_approve", "approved", "done"))],
                order="computed_at desc, id desc",
                limit=1,
            )
            risky = (
                env["purchase.plan.line"].search(
                    [
                        ("plan_id", "=", plan.id),
                        ("stockout_risk", ">=", 1.0),
                        ("state", "in", ("order", "deferred")),
                    ],
                    order="priority desc, id",
                    limit=10,
                )
                if plan
                else env["purchase.plan.line"]
            )
            if risky:
                lines.append(
                    env._("Stockout risk within the lead time (%(plan)s):", plan=plan.name)
                )
                lines.extend(
                    env._(
                        "• %(product)s: %(on_hand)s on hand, order %(quantity)s",
                        product=line.product_id.display_name,
                        on_hand=round(line.on_hand, 2),
                        quantity=round(line.quantity, 2),
                    )
                    for line in risky
                )
        approvals = gateway._pending_approvals(env)
        if approvals:
            lines.append(
                env._(
                    "%(count)s requests wait for your approval: open Approvals.",
                    count=len(approvals),
                )
            )
        return "\n".join(lines)

    @api.autovacuum
    def _gc_delivered(self):
        limit = fields.Datetime.now() - dt.timedelta(days=30)
        self.sudo().search(
            [("state", "in", ("delivered", "failed")), ("write_date", "<", limit)]
        ).unlink()


def _split(text, size):
    """Pieces of at most `size` characters, cut at line ends where possible."""
    pieces = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces
