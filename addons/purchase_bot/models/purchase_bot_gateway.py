import datetime as dt
import hashlib
import hmac
import logging

from babel.dates import format_date
from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import get_lang

from odoo.addons.purchase_forecast.wizard.purchase_forecast_stock_date import (
    MAX_PERIOD_COUNT,
    STOCK_PERIODS,
)
from odoo.addons.purchase_forecast.wizard.purchase_forecast_turnover import (
    FIGURES as TURNOVER_FIGURES,
)
from odoo.addons.purchase_forecast.wizard.purchase_forecast_turnover import (
    STATEMENT_PERIODS,
)

from . import gateway_arguments as args
from .gateway_arguments import GatewayRefusal

_logger = logging.getLogger(__name__)

MAX_QUERY = 100
MAX_REPORT = 4000
TELEGRAM_USERNAME_MAX = 32
ADD_MODES = ("replace", "add")


class PurchaseBotGateway(models.AbstractModel):
    """What the Telegram worker may do, called over JSON-2 by the bot's technical user.

    Every public method checks the caller's group, resolves the Telegram account's linked
    Odoo user and works as that user (with_user), so Odoo's access rights and record rules
    decide what each buyer sees and does. The contract is docs/bot-gateway.md.
    """

    _name = "purchase.bot.gateway"
    _description = "Telegram Gateway"

    # ------------------------------------------------------------------ plumbing

    def _check_caller(self):
        if not self.env.user.has_group("purchase_bot.group_bot_gateway"):
            raise AccessError(self.env._("Only the Telegram bot's user may call the gateway."))

    @api.model
    def _active_link(self, telegram_user_id):
        return (
            self.env["purchase.bot.link"]
            .sudo()
            .search(
                [("telegram_user_id", "=", str(telegram_user_id)), ("active", "=", True)],
                limit=1,
            )
        )

    @api.model
    def _user_env(self, user):
        """An environment of the linked user: their rights, language, timezone, companies."""
        companies = [user.company_id.id, *(user.company_ids - user.company_id).ids]
        context = {"lang": user.lang or "en_US", "tz": user.tz, "allowed_company_ids": companies}
        return self.env(user=user.id, su=False, context=context)

    @staticmethod
    def _error(code, message):
        return {"error": {"code": code, "message": str(message)}}

    def _serve(self, telegram_user_id, work, *, method=None, request_id=None):
        """Run `work(env)` as the linked user; expected failures become error answers and
        leave nothing half-written."""
        self._check_caller()
        try:
            telegram_user_id = args.telegram_id(telegram_user_id, self.env._)
            request_id = args.request_id(request_id, self.env._)
        except GatewayRefusal as exc:
            return self._error(exc.code, exc.message)
        link = self._active_link(telegram_user_id)
        # a portal user linked before is no assistant user: internal users only
        if not link or not link.user_id.active or not link.user_id._is_internal():
            return self._error(
                "not_linked",
                self.env._(
                    "This Telegram account is not linked to an Odoo user: in Odoo, open "
                    "your preferences and press Connect Telegram."
                ),
            )
        Request = self.env["purchase.bot.request"].sudo()
        if request_id and method:
            done = Request.search(
                [
                    ("link_id", "=", link.id),
                    ("method", "=", method),
                    ("request_id", "=", str(request_id)),
                ],
                limit=1,
            )
            if done:
                return done.answer
        env = self._user_env(link.user_id)
        try:
            with self.env.cr.savepoint():
                answer = work(env)
        except GatewayRefusal as exc:
            answer = self._error(exc.code, exc.message)
        except AccessError as exc:
            answer = self._error("access_denied", exc.args[0] if exc.args else exc)
        except MissingError as exc:
            answer = self._error("not_found", exc.args[0] if exc.args else exc)
        except (UserError, ValidationError) as exc:
            answer = self._error("invalid", exc.args[0] if exc.args else exc)
        link.sudo().last_activity = fields.Datetime.now()
        if request_id and method and "error" not in answer:
            Request.create(
                {
                    "link_id": link.id,
                    "method": method,
                    "request_id": str(request_id),
                    "answer": answer,
                }
            )
        return answer

    @staticmethod
    def _browse(env, model, record_id):
        record = env[model].browse(args.record_id(record_id, env._)).exists()
        if not record:
            raise GatewayRefusal("not_found", env._("That record no longer exists."))
        record.check_access("read")
        return record

    # ------------------------------------------------------------------ serialisation

    @api.model
    def _profile(self, env):
        user = env.user
        manager = user.has_group("purchase_forecast.group_forecast_manager")
        purchase_manager = user.has_group("purchase.group_purchase_manager")
        return {
            "id": user.id,
            "name": user.name,
            "lang": env.lang or "en_US",
            "company": user.company_id.name,
            "currency": user.company_id.currency_id.name,
            "roles": {
                "forecast_user": user.has_group("purchase_forecast.group_forecast_user"),
                "forecast_manager": manager,
                "purchase_manager": purchase_manager,
            },
            "can_approve": manager or purchase_manager,
        }

    def _order_head(self, order):
        return {
            "id": order.id,
            "name": order.name,
            "vendor": order.partner_id.display_name,
            "state": order.state,
            "amount_total": order.amount_total,
            "currency": order.currency_id.name,
            "line_count": len(order.order_line.filtered(lambda ln: not ln.display_type)),
            "date_order": args.iso_date(order.date_order),
        }

    def _order_data(self, order):
        lines = order.order_line.filtered(lambda ln: not ln.display_type)
        return {
            **self._order_head(order),
            "can_edit": order.state in ("draft", "sent") and order.has_access("write"),
            "lines": [
                {
                    "id": line.id,
                    "product_id": line.product_id.id,
                    "product": line.product_id.display_name,
                    "quantity": line.product_qty,
                    "uom": line.product_uom_id.name,
                    "price_unit": line.price_unit,
                    "date_planned": args.iso_date(line.date_planned),
                    "subtotal": line.price_subtotal,
                }
                for line in lines
            ],
        }

    # ------------------------------------------------------------------ linking

    @api.model
    def gateway_ping(self):
        """Health check: the key works and the caller may use the gateway."""
        self._check_caller()
        version = (
            self.env["ir.module.module"]
            .sudo()
            .search([("name", "=", "purchase_bot")], limit=1)
            .latest_version
        )
        return {"ok": True, "version": version or ""}

    @api.model
    def link_account(self, token, telegram_user_id, telegram_username="", chat_type="private"):
        """Link a Telegram account to the Odoo user who made the one-time token."""
        self._check_caller()
        try:
            telegram_user_id = args.telegram_id(telegram_user_id, self.env._)
            telegram_username = args.text(telegram_username, TELEGRAM_USERNAME_MAX, self.env._)
        except GatewayRefusal as exc:
            return self._error(exc.code, exc.message)
        if chat_type != "private":
            return self._error(
                "not_private",
                self.env._("Link your account in a private chat with the bot, not in a group."),
            )
        code, token_record = self.env["purchase.bot.link.token"]._find(
            token if isinstance(token, str) else ""
        )
        if code:
            messages = {
                "token_invalid": self.env._(
                    "This link is not valid or was already used: make "
                    "a new one in Odoo (Preferences → Connect Telegram)."
                ),
                "token_expired": self.env._(
                    "This link has expired (links last 10 minutes): make a new one in Odoo."
                ),
            }
            return self._error(code, messages[code])
        user = token_record.user_id
        Link = self.env["purchase.bot.link"].sudo()
        current = self._active_link(telegram_user_id)
        if current and current.user_id != user:
            return self._error(
                "already_linked",
                self.env._(
                    "This Telegram account is linked to another Odoo user: send /logout first."
                ),
            )
        token_record.used_at = fields.Datetime.now()
        if not current:
            Link.search([("user_id", "=", user.id), ("active", "=", True)]).action_unlink_account()
            current = Link.create(
                {
                    "user_id": user.id,
                    "telegram_user_id": telegram_user_id,
                    # Telegram usernames have at most 32 characters: never store more
                    "telegram_username": telegram_username or False,
                }
            )
        current.last_activity = fields.Datetime.now()
        _logger.info("Telegram account linked to user #%s", user.id)
        return {"user": self._profile(self._user_env(user))}

    @api.model
    def unlink_account(self, telegram_user_id):
        self._check_caller()
        try:
            telegram_user_id = args.telegram_id(telegram_user_id, self.env._)
        except GatewayRefusal as exc:
            return self._error(exc.code, exc.message)
        link = self._active_link(telegram_user_id)
        if link:
            link.action_unlink_account()
        return {"unlinked": bool(link)}

    @api.model
    def get_profile(self, telegram_user_id):
        return self._serve(telegram_user_id, lambda env: {"user": self._profile(env)})

    # ------------------------------------------------------------------ products

    @api.model
    def search_products(self, telegram_user_id, query, limit=8):
        return self._serve(telegram_user_id, lambda env: self._search_products(env, query, limit))

    def _search_products(self, env, query, limit):
        text = " ".join(args.text(query, MAX_QUERY * 4, env._).split())[:MAX_QUERY]
        if len(text) < 2:
            raise GatewayRefusal("invalid", env._("Type at least two characters."))
        found = env["product.product"]._bot_search(text, args.limit(limit, 8, 20, env._))
        return {"products": [product._bot_head() for product in found]}

    @api.model
    def product_card(self, telegram_user_id, product_id):
        return self._serve(
            telegram_user_id,
            lambda env: self._browse(env, "product.product", product_id)._bot_card(),
        )

    @api.model
    def last_purchases(self, telegram_user_id, product_id, limit=50):
        def work(env):
            product = self._browse(env, "product.product", product_id)
            rows = product._bot_purchases(args.limit(limit, 50, 500, env._))
            return {"purchases": rows, "currency": env.company.currency_id.name}

        return self._serve(telegram_user_id, work)

    # ------------------------------------------------------------------ analytics

    def _period_label(self, env, day, granularity):
        locale = get_lang(env).code
        if granularity == "year":
            return str(day.year)
        if granularity == "quarter":
            return env._("Q%(quarter)s %(year)s", quarter=(day.month - 1) // 3 + 1, year=day.year)
        return format_date(day, "LLL yyyy", locale=locale)

    @api.model
    def purchase_analytics(
        self, telegram_user_id, granularity="month", measure="amount", date_from=None
    ):
        def work(env):
            if granularity not in ("year", "quarter", "month"):
                raise GatewayRefusal("invalid", env._("Choose years, quarters or months."))
            domain = Domain("company_id", "=", env.company.id)
            if date_from:
                domain &= Domain("date", ">=", args.day(date_from, env._))
            groups = env["purchase.forecast.spend.report"]._read_group(
                domain,
                [f"date:{granularity}"],
                ["document_count:count_distinct", "amount:sum"],
                order=f"date:{granularity}",
            )
            rows = []
            for day, count, amount in groups:
                day = day.date() if isinstance(day, dt.datetime) else day
                rows.append(
                    {
                        "period": day.isoformat(),
                        "label": self._period_label(env, day, granularity),
                        "count": count,
                        "amount": round(amount or 0.0, 2),
                    }
                )
            return {"currency": env.company.currency_id.name, "rows": rows}

        return self._serve(telegram_user_id, work)

    @api.model
    def top_purchases(self, telegram_user_id, limit=20, date_from=None):
        def work(env):
            domain = Domain("company_id", "=", env.company.id)
            if date_from:
                domain &= Domain("date", ">=", args.day(date_from, env._))
            rows = env["purchase.forecast.spend.report"].search(
                domain, order="amount desc, id", limit=args.limit(limit, 20, 500, env._)
            )
            return {
                "currency": env.company.currency_id.name,
                "rows": [
                    {
                        "date": args.iso_date(row.date),
                        "order": row.document or "",
                        "vendor": row.partner_id.display_name or "",
                        "product": row.product_id.display_name,
                        "quantity": row.quantity,
                        "amount": row.amount,
                    }
                    for row in rows
                ],
            }

        return self._serve(telegram_user_id, work)

    # ------------------------------------------------------------------ RFQs

    @api.model
    def list_rfqs(self, telegram_user_id):
        def work(env):
            orders = env["purchase.order"].search(
                [("state", "in", ("draft", "sent")), ("user_id", "=", env.uid)],
                order="date_order desc, id desc",
                limit=50,
            )
            return {"orders": [self._order_head(order) for order in orders]}

        return self._serve(telegram_user_id, work)

    @api.model
    def get_rfq(self, telegram_user_id, order_id):
        return self._serve(
            telegram_user_id,
            lambda env: {"order": self._order_data(self._browse(env, "purchase.order", order_id))},
        )

    def _editable_order(self, env, order):
        if order.state not in ("draft", "sent"):
            raise GatewayRefusal(
                "invalid",
                env._(
                    "%(order)s is no longer a draft: it cannot be changed here.", order=order.name
                ),
            )
        order.check_access("write")
        return order

    def _suggested_quantity(self, env, product, order, excluded_orders=None):
        """The plan policy's quantity of `product` now, in the unit of the product: the stock
        position counts every open RFQ and receipt except `excluded_orders`."""
        warehouse = order.picking_type_id.warehouse_id if order else env["stock.warehouse"]
        if not warehouse:
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
        advice = env["purchase.plan"]._policy_advice(product, warehouse, excluded_orders)
        return advice[product.id]["quantity"]

    def _draft_for(self, env, product, order_id):
        """The RFQ to add to: the one given, else the buyer's draft of the product's vendor
        (an empty recordset when there is none yet)."""
        if order_id:
            return self._editable_order(env, self._browse(env, "purchase.order", order_id))
        seller = product._select_seller() or product.seller_ids[:1]
        if not seller:
            raise GatewayRefusal(
                "invalid",
                env._(
                    "%(product)s has no vendor: set one in Odoo first.",
                    product=product.display_name,
                ),
            )
        return env["purchase.order"].search(
            [
                ("state", "=", "draft"),
                ("user_id", "=", env.uid),
                ("partner_id", "=", seller.partner_id.id),
                ("company_id", "=", env.company.id),
            ],
            order="id desc",
            limit=1,
        ) or env["purchase.order"].new({"partner_id": seller.partner_id.id, "user_id": env.uid})

    @staticmethod
    def _in_line_unit(line, product, quantity):
        return product.uom_id._compute_quantity(quantity, line.product_uom_id, round=False)

    @api.model
    def add_rfq_line(
        self,
        telegram_user_id,
        product_id,
        quantity=None,
        order_id=None,
        mode=None,
        request_id=None,
    ):
        """Put a product on a draft RFQ. Without `quantity`, the plan policy's quantity now.
        A product already on the draft is not added silently: without `mode` the answer says
        the line exists; mode "replace" sets its quantity, "add" adds to it. A suggestion of
        nothing (stock and open orders cover the need) writes nothing."""

        def work(env):
            product = self._browse(env, "product.product", product_id)
            wanted = args.choice(mode, ADD_MODES, env._)
            given = None if quantity in (None, "", 0, False) else args.quantity(quantity, env._)
            order = self._draft_for(env, product, order_id)
            line = order.order_line.filtered(lambda ln: ln.product_id == product)[:1]
            if line and not wanted:
                return self._line_exists(env, product, order, line)
            # replacing: this draft's line is what is being decided, so it is not stock
            excluded = order if line and wanted == "replace" and order.id else None
            qty = (
                given
                if given is not None
                else self._suggested_quantity(env, product, order, excluded)
            )
            if qty <= 0:
                return self._covered(env, product, order, line)
            if not order.id:
                order = env["purchase.order"].create(
                    {"partner_id": order.partner_id.id, "user_id": env.uid}
                )
            if not line:
                line = env["purchase.order.line"].create(
                    {
                        "order_id": order.id,
                        "product_id": product.id,
                        "product_qty": qty,
                        "product_uom_id": product.uom_id.id,
                    }
                )
                status = "created"
            elif wanted == "replace":
                line.product_qty = self._in_line_unit(line, product, qty)
                status = "replaced"
            else:
                line.product_qty += self._in_line_unit(line, product, qty)
                status = "added"
            return {
                "status": status,
                "order": self._order_data(order),
                "line_id": line.id,
                "quantity": qty,
            }

        return self._serve(telegram_user_id, work, method="add_rfq_line", request_id=request_id)

    def _line_exists(self, env, product, order, line):
        """The answer to adding a product already on the draft: its line and what replacing
        or adding would put there, for the buyer to choose."""
        return {
            "status": "exists",
            "order": self._order_data(order),
            "line_id": line.id,
            "quantity": line.product_qty,
            "uom": line.product_uom_id.name,
            "replace_quantity": self._suggested_quantity(env, product, order, order),
            "add_quantity": self._suggested_quantity(env, product, order),
        }

    def _covered(self, env, product, order, line):
        return {
            "status": "covered",
            "order": self._order_data(order) if order.id else None,
            "line_id": line.id or None,
            "quantity": 0.0,
            "message": env._(
                "Nothing to order now: the stock and open orders of %(product)s cover its "
                "demand over the lead time and coverage.",
                product=product.display_name,
            ),
        }

    @api.model
    def update_rfq_line(
        self,
        telegram_user_id,
        line_id,
        quantity=None,
        price_unit=None,
        date_planned=None,
        request_id=None,
    ):
        def work(env):
            line = self._browse(env, "purchase.order.line", line_id)
            self._editable_order(env, line.order_id)
            values = {}
            if quantity is not None:
                values["product_qty"] = args.quantity(quantity, env._)
            if price_unit is not None:
                values["price_unit"] = args.price(price_unit, env._)
            if date_planned:
                values["date_planned"] = fields.Datetime.to_datetime(args.day(date_planned, env._))
            line.write(values)
            return {"order": self._order_data(line.order_id)}

        return self._serve(telegram_user_id, work, method="update_rfq_line", request_id=request_id)

    @api.model
    def remove_rfq_line(self, telegram_user_id, line_id, request_id=None):
        def work(env):
            line = self._browse(env, "purchase.order.line", line_id)
            order = self._editable_order(env, line.order_id)
            line.unlink()
            return {"order": self._order_data(order)}

        return self._serve(telegram_user_id, work, method="remove_rfq_line", request_id=request_id)

    @api.model
    def export_rfq_json(self, telegram_user_id, order_id):
        def work(env):
            order = self._browse(env, "purchase.order", order_id)
            return {
                "filename": f"{order.name.replace('/', '-')}.json",
                "document": order._procurement_calculation(),
            }

        return self._serve(telegram_user_id, work)

    @api.model
    def cancel_rfq(self, telegram_user_id, order_id, request_id=None):
        def work(env):
            order = self._editable_order(env, self._browse(env, "purchase.order", order_id))
            order.button_cancel()
            return {"order": self._order_head(order)}

        return self._serve(telegram_user_id, work, method="cancel_rfq", request_id=request_id)

    # ------------------------------------------------------------------ approvals

    def _rfq_nonce(self, order):
        """Binds an approval button to the order as it was: any change makes it stale."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        message = f"{order.id}:{order.state}:{order.amount_total}:{order.write_date}"
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:22]

    def _pending_approvals(self, env):
        items = []
        if env.user.has_group("purchase_forecast.group_forecast_manager"):
            for plan in env["purchase.plan"].search([("state", "=", "to_approve")], limit=50):
                items.append(
                    {
                        "kind": "plan",
                        "id": plan.id,
                        "name": plan.name,
                        "amount": plan.amount_total,
                        "currency": plan.currency_id.name,
                        "requested_by": plan.user_id.name or "",
                        "nonce": plan._approval_token(),
                    }
                )
        if env.user.has_group("purchase.group_purchase_user"):
            orders = env["purchase.order"].search([("state", "=", "to approve")], limit=50)
            for order in orders.filtered(lambda o: o._approval_allowed()):
                items.append(
                    {
                        "kind": "rfq",
                        "id": order.id,
                        "name": order.name,
                        "amount": order.amount_total,
                        "currency": order.currency_id.name,
                        "requested_by": order.user_id.name or "",
                        "nonce": self._rfq_nonce(order),
                    }
                )
        return items

    @api.model
    def list_approvals(self, telegram_user_id):
        return self._serve(telegram_user_id, lambda env: {"items": self._pending_approvals(env)})

    @api.model
    def decide_approval(self, telegram_user_id, kind, record_id, decision, nonce, request_id=None):
        def work(env):
            if decision not in ("approve", "reject") or kind not in ("plan", "rfq"):
                raise GatewayRefusal("invalid", env._("Unknown decision."))
            if kind == "plan":
                return self._decide_plan(env, record_id, decision, nonce)
            return self._decide_rfq(env, record_id, decision, nonce)

        return self._serve(telegram_user_id, work, method="decide_approval", request_id=request_id)

    def _stale(self, env):
        return GatewayRefusal(
            "stale", env._("This request changed since the message was sent: open Approvals again.")
        )

    def _decide_plan(self, env, plan_id, decision, nonce):
        plan = self._browse(env, "purchase.plan", plan_id)
        if plan.state != "to_approve":
            return {"status": "already_decided", "name": plan.name}
        token = plan._approval_token()
        if not token or not hmac.compare_digest(str(nonce or ""), token):
            raise self._stale(env)
        if decision == "approve":
            plan.action_approve()
        else:
            plan.action_reject()
        return {"status": "approved" if decision == "approve" else "rejected", "name": plan.name}

    def _decide_rfq(self, env, order_id, decision, nonce):
        order = self._browse(env, "purchase.order", order_id)
        if order.state != "to approve":
            return {"status": "already_decided", "name": order.name}
        if not hmac.compare_digest(str(nonce or ""), self._rfq_nonce(order)):
            raise self._stale(env)
        if not order._approval_allowed():
            raise GatewayRefusal(
                "access_denied",
                env._(
                    "Your access rights do not allow you to approve %(order)s.", order=order.name
                ),
            )
        if decision == "approve":
            order.button_approve()
            return {"status": "approved", "name": order.name}
        order.button_cancel()
        return {"status": "rejected", "name": order.name}

    # ------------------------------------------------------------------ plans and budget

    @api.model
    def list_plan_risks(self, telegram_user_id, limit=20):
        def work(env):
            plan = env["purchase.plan"].search(
                [("state", "in", ("computed", "to_approve", "approved", "done"))],
                order="computed_at desc, id desc",
                limit=1,
            )
            if not plan:
                return {"plan": None, "lines": []}
            lines = env["purchase.plan.line"].search(
                [
                    ("plan_id", "=", plan.id),
                    ("stockout_risk", ">", 0),
                    ("state", "in", ("order", "deferred")),
                ],
                order="priority desc, stockout_risk desc, id",
                limit=args.limit(limit, 20, 100, env._),
            )
            return {
                "plan": {"id": plan.id, "name": plan.name, "state": plan.state},
                "lines": [
                    {
                        "product_id": line.product_id.id,
                        "product": line.product_id.display_name,
                        "on_hand": line.on_hand,
                        "quantity": line.quantity,
                        "vendor": line.vendor_id.display_name or "",
                        "priority": rank,
                        "reason": line.explanation,
                    }
                    for rank, line in enumerate(lines, start=1)
                ],
            }

        return self._serve(telegram_user_id, work)

    @api.model
    def digest_to_rfqs(self, telegram_user_id, message_id, request_id=None):
        """The digest's button: put the products it listed on the user's draft RFQs, each
        with the plan policy's quantity now; a product already on its draft, or covered by
        open orders by now, is skipped and said so."""

        def work(env):
            message = (
                self.env["purchase.bot.outbox"]
                .sudo()
                .browse(args.record_id(message_id, env._))
                .exists()
            )
            if not message or message.user_id != env.user or not message.product_ids:
                raise GatewayRefusal("not_found", env._("That message no longer exists."))
            products = message.product_ids.with_env(env)._filtered_access("read")
            return self._order_products(env, products)

        return self._serve(telegram_user_id, work, method="digest_to_rfqs", request_id=request_id)

    def _order_products(self, env, products):
        added, skipped = [], []
        orders = env["purchase.order"]
        for product in products:
            try:
                order = self._draft_for(env, product, None)
            except GatewayRefusal as exc:
                skipped.append({"product": product.display_name, "reason": exc.message})
                continue
            line = order.order_line.filtered(lambda ln, p=product: ln.product_id == p)[:1]
            if line:
                reason = env._("already on %(order)s", order=order.name)
                skipped.append({"product": product.display_name, "reason": reason})
                continue
            quantity = self._suggested_quantity(env, product, order)
            if quantity <= 0:
                reason = env._("covered by stock and open orders")
                skipped.append({"product": product.display_name, "reason": reason})
                continue
            if not order.id:
                order = env["purchase.order"].create(
                    {"partner_id": order.partner_id.id, "user_id": env.uid}
                )
            env["purchase.order.line"].create(
                {
                    "order_id": order.id,
                    "product_id": product.id,
                    "product_qty": quantity,
                    "product_uom_id": product.uom_id.id,
                }
            )
            orders |= order
            added.append(
                {"product": product.display_name, "quantity": quantity, "order": order.name}
            )
        return {
            "orders": [self._order_head(order) for order in orders],
            "added": added,
            "skipped": skipped,
        }

    @api.model
    def plan_create_rfqs(self, telegram_user_id, plan_id, request_id=None):
        def work(env):
            plan = self._browse(env, "purchase.plan", plan_id)
            plan.action_create_rfqs()
            return {"orders": [self._order_head(order) for order in plan.order_ids]}

        return self._serve(telegram_user_id, work, method="plan_create_rfqs", request_id=request_id)

    @api.model
    def budget_status(self, telegram_user_id):
        def work(env):
            budget = env["purchase.budget"]._current_for(env.user, env.company)
            budget = budget.with_env(env) if budget else budget
            return {
                "currency": env.company.currency_id.name,
                "period": {
                    "start": args.iso_date(budget.date_from),
                    "end": args.iso_date(budget.date_to),
                }
                if budget
                else None,
                "budget": budget.amount if budget else None,
                "committed": budget.committed if budget else 0.0,
                "remaining": budget.remaining if budget else None,
            }

        return self._serve(telegram_user_id, work)

    # ------------------------------------------------------------------ help

    @api.model
    def report_problem(self, telegram_user_id, text, request_id=None):
        def work(env):
            body = " ".join(args.text(text, MAX_REPORT * 4, env._).split())[:MAX_REPORT]
            if not body:
                raise GatewayRefusal("invalid", env._("Describe the problem in a few words."))
            channel = self.env.ref("purchase_bot.discuss_channel_bot_reports").sudo()
            channel.message_post(
                body=escape(body),
                author_id=env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            return {"reported": True}

        return self._serve(telegram_user_id, work, method="report_problem", request_id=request_id)

    # ------------------------------------------------------------------ outbox

    @api.model
    def outbox_fetch(self, limit=50):
        self._check_caller()
        try:
            limit = args.limit(limit, 50, 200, self.env._)
        except GatewayRefusal as exc:
            return self._error(exc.code, exc.message)
        messages = self.env["purchase.bot.outbox"]._claim(limit)
        return {
            "messages": [
                {
                    "id": message.id,
                    "telegram_user_id": message.link_id.telegram_user_id,
                    "text": message.text,
                    "attempts": message.attempts,
                    "buttons": message.buttons or [],
                }
                for message in messages
            ]
        }

    @api.model
    def outbox_ack(self, message_id, delivered, error=None, permanent=False):
        self._check_caller()
        try:
            message_id = args.record_id(message_id, self.env._)
        except GatewayRefusal as exc:
            return self._error(exc.code, exc.message)
        message = self.env["purchase.bot.outbox"].sudo().browse(message_id).exists()
        if not message:
            return self._error("not_found", "unknown message")
        return {"status": message._acknowledge(bool(delivered), error, bool(permanent))}

    # ------------------------------------------------------------------ stock and turnover

    @api.model
    def turnover_statement(
        self, telegram_user_id, product_id, date_from=None, date_to=None, period="quarter"
    ):
        """The product's turnover statement (ОСВ): opening balance, receipts, issues and
        closing balance per period and for the whole range (default: the last four
        quarters up to today)."""
        return self._serve(
            telegram_user_id,
            lambda env: self._turnover_statement(env, product_id, date_from, date_to, period),
        )

    def _turnover_statement(self, env, product_id, date_from, date_to, period):
        product = self._browse(env, "product.product", product_id)
        period = args.choice(period, STATEMENT_PERIODS, env._) or "quarter"
        today = fields.Date.context_today(product)
        date_to = args.day(date_to, env._) if date_to else today
        date_from = (
            args.day(date_from, env._) if date_from else self._statement_start(date_to, period)
        )
        Turnover = env["purchase.forecast.turnover"]
        rows = Turnover._statement(env.company, product, date_from, date_to, period)
        total = dict.fromkeys(TURNOVER_FIGURES, 0.0)
        if rows:
            for name in TURNOVER_FIGURES:
                total[name] = round(sum(row[name] for row in rows), 6)
            for name in ("opening_quantity", "opening_value"):
                total[name] = rows[0][name]
            for name in ("closing_quantity", "closing_value"):
                total[name] = rows[-1][name]
        return {
            "product": {
                "id": product.id,
                "name": product.with_context(display_default_code=False).display_name,
                "code": product.default_code or "",
                "uom": product.uom_id.name,
            },
            "currency": env.company.currency_id.name,
            "period": period,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "source": rows[0]["source"] if rows else None,
            "total": total,
            "rows": [
                {
                    **{name: row[name] for name in TURNOVER_FIGURES},
                    "date_start": row["date_start"].isoformat(),
                    "date_end": row["date_end"].isoformat(),
                    "label": self._statement_label(env, row, period),
                }
                for row in rows
            ],
        }

    @staticmethod
    def _statement_start(date_to, period):
        """The first day of the default statement: 12 months, 4 quarters or 3 years up to
        date_to's period; 12 months for a whole range."""
        months = {"quarter": 3, "year": 12}.get(period, 1)
        count = {"quarter": 4, "year": 3}.get(period, 12)
        start = date_to.replace(day=1, month=(date_to.month - 1) // months * months + 1)
        return start - relativedelta(months=months * (count - 1))

    def _statement_label(self, env, row, period):
        """ "Q1 2022" for a row that starts its calendar period, else its dates."""
        start, end = row["date_start"], row["date_end"]
        months = {"month": 1, "quarter": 3, "year": 12}.get(period)
        if months and start.day == 1 and (start.month - 1) % months == 0:
            return self._period_label(env, start, period)
        locale = get_lang(env).code
        first = format_date(start, "short", locale=locale)
        return f"{first}–{format_date(end, 'short', locale=locale)}"

    @api.model
    def stock_at_dates(self, telegram_user_id, product_id, date=None, period="month", count=6):
        """On hand of the product per warehouse at `date` (default today) and at the end of
        each of the `count` periods before it."""
        return self._serve(
            telegram_user_id,
            lambda env: self._stock_at_dates(env, product_id, date, period, count),
        )

    def _stock_at_dates(self, env, product_id, date, period, count):
        product = self._browse(env, "product.product", product_id)
        day = args.day(date, env._) if date else fields.Date.context_today(product)
        period = args.choice(period, STOCK_PERIODS, env._) or "month"
        count = args.whole_number(count, 1, MAX_PERIOD_COUNT, env._)
        table = env["purchase.forecast.stock.date"]._stock_table(
            env.company, product, day, period, count
        )
        warehouses = env["stock.warehouse"].browse(
            list(dict.fromkeys(row["warehouse_id"] for row in table))
        )
        days = sorted({row["date"] for row in table})
        by_key = {(row["warehouse_id"], row["date"]): row for row in table}
        return {
            "product": {
                "id": product.id,
                "name": product.with_context(display_default_code=False).display_name,
                "code": product.default_code or "",
                "uom": product.uom_id.name,
            },
            "date": day.isoformat(),
            "period": period,
            "dates": [d.isoformat() for d in days],
            "total": [
                round(sum(by_key[(w.id, d)]["quantity"] for w in warehouses), 6) for d in days
            ],
            "warehouses": [
                {
                    "id": warehouse.id,
                    "name": warehouse.name,
                    "quantities": [by_key[(warehouse.id, d)]["quantity"] for d in days],
                    "sources": [by_key[(warehouse.id, d)]["source"] for d in days],
                }
                for warehouse in warehouses
            ],
        }
