import datetime as dt

from odoo import Command, api, fields, models

DIGEST_ITEMS = 10
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
    product_ids = fields.Many2many(
        "product.product", help="The products a digest lists, for its button to order them."
    )
    buttons = fields.Json(help="Rows of [label, callback data] shown under the message.")

    _dedup_unique = models.UniqueIndex(
        "(dedup_key) WHERE dedup_key IS NOT NULL", "This notification is already queued."
    )

    @api.model
    def _queue(self, link, text, kind="info", dedup_key=None, products=None, button=None):
        """Queue `text` for the linked user, split at Telegram's message size; once per key.
        With `products` and a `button` label, the last piece carries a button that puts
        them on RFQs."""
        if dedup_key and self.sudo().search_count([("dedup_key", "=", f"{dedup_key}#1")], limit=1):
            return self.browse()
        chunks = _split(text, TELEGRAM_LIMIT)
        messages = self.sudo().create(
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
        if products and button:
            last = messages[-1]
            last.write(
                {
                    "product_ids": [Command.set(products.ids)],
                    "buttons": [[[button, f"dg:{last.id}"]]],
                }
            )
        return messages

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
        """Each linked user's morning message: products likely to run out within their lead
        time (recomputed now, per company), and what waits for their approval."""
        gateway = self.env["purchase.bot.gateway"]
        today = fields.Date.context_today(self)
        risks = {}
        for link in self.env["purchase.bot.link"].sudo().search([("active", "=", True)]):
            if not link.user_id.active:
                continue
            env = gateway._user_env(link.user_id)
            if env.company not in risks:
                risks[env.company] = self._digest_risks(env.company)
            text, products = self._digest_text(env, gateway, risks[env.company])
            if text:
                self._queue(
                    link,
                    text,
                    "digest",
                    f"digest:{link.id}:{today}",
                    products=products,
                    button=env._("🛒 Put them on my RFQs"),
                )

    @api.model
    def _digest_risks(self, company):
        """The products of the company's published forecast whose probability of running
        out within their lead time is above the company's threshold, most urgent first.

        The risk is read now, as a plan computed today would (purchase.plan's
        _policy_advice): the stock position (on hand, receipts and every open RFQ, less
        deliveries due) against the published forecast's distribution of demand over the
        lead time (its stored models, nothing fitted). Rows are that advice: product, risk,
        stock, quantity.
        """
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)], limit=1)
        )
        run = self.env["purchase.forecast.run"].sudo()._published_for(company, warehouse)
        if not run or not warehouse:
            return []
        results = (
            self.env["purchase.forecast.result"]
            .sudo()
            .search([("run_id", "=", run.id), ("failed", "=", False)])
        )
        products = results.product_id.filtered(lambda p: p.purchase_ok and p.active)
        threshold = company.purchase_bot_digest_risk / 100.0
        batch = int(
            self.env["ir.config_parameter"].sudo().get_param("purchase_forecast.batch_size", 2000)
        )
        Plan = self.env["purchase.plan"].sudo().with_company(company)
        rows = []
        for start in range(0, len(products), batch):
            advice = Plan._policy_advice(products[start : start + batch], warehouse)
            rows.extend(row for row in advice.values() if row["stockout_risk"] > threshold)
        return sorted(
            rows,
            key=lambda row: (
                -row["stockout_risk"],
                row["on_hand"] + row["incoming"],
                row["product_id"],
            ),
        )

    @api.model
    def _digest_text(self, env, gateway, risks):
        """A user's digest and the products it lists (those of `risks` the user may read)."""
        lines = []
        products = env["product.product"]
        if env.user.has_group("purchase_forecast.group_forecast_user"):
            readable = set(
                products.browse([row["product_id"] for row in risks])._filtered_access("read").ids
            )
            shown = [row for row in risks if row["product_id"] in readable][:DIGEST_ITEMS]
            number = env["purchase.plan.line"]._number
            if shown:
                lines.append(
                    env._(
                        "Likely to run out within the lead time (risk above %(threshold)s%%):",
                        threshold=number(env.company.purchase_bot_digest_risk),
                    )
                )
            for row in shown:
                product = products.browse(row["product_id"])
                products |= product
                lines.append(
                    env._(
                        "• %(product)s: %(risk)s%% risk, %(on_hand)s on hand, %(incoming)s "
                        "incoming, order %(quantity)s",
                        product=product.display_name,
                        risk=number(round(100 * row["stockout_risk"])),
                        on_hand=number(row["on_hand"]),
                        incoming=number(row["incoming"]),
                        quantity=number(row["quantity"]),
                    )
                )
        approvals = gateway._pending_approvals(env)
        if approvals:
            lines.append(
                env._(
                    "%(count)s requests wait for your approval: open Approvals.",
                    count=len(approvals),
                )
            )
        return "\n".join(lines), products

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
