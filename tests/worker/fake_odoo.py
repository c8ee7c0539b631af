"""A fake Odoo serving the bot gateway over JSON-2 on 127.0.0.1, with in-memory data.

It implements the contract of docs/bot-gateway.md: ``POST /json/2/purchase.bot.gateway/<m>``
with a Bearer key and ``X-Odoo-Database``; answers are JSON objects, refusals
``{"error": {"code", "message"}}`` with the message in the linked user's language. Every call
is recorded; ``faults`` makes a method answer with an HTTP error.
"""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL_PATH = "/json/2/purchase.bot.gateway/"

MESSAGES = {
    "not_linked": ("This Telegram account is not linked.", "Этот аккаунт Telegram не привязан."),
    "token_invalid": ("This link is invalid or was already used.", "Ссылка недействительна."),
    "token_expired": ("This link has expired.", "Срок действия ссылки истёк."),
    "already_linked": (
        "This Telegram account is linked to another user: send /logout first.",
        "Этот аккаунт Telegram привязан к другому пользователю.",
    ),
    "not_private": ("Linking works only in a private chat.", "Только в личном чате."),
    "access_denied": ("You are not allowed to do that.", "Недостаточно прав."),
    "not_found": ("Record not found.", "Запись не найдена."),
    "stale": (
        "This button is outdated: the request changed since. Here is the current list.",
        "Кнопка устарела.",
    ),
    "invalid": ("Invalid input.", "Неверные данные."),
}


def _history():
    months = [f"2025-{m:02d}-01" for m in range(1, 11)]
    return [
        {"date": d, "quantity": q}
        for d, q in zip(months, [40, 42, 39, 45, 50, 47, 52, 49, 55, 53], strict=True)
    ]


class FakeOdoo:
    """Server plus data; ``start()`` before use, ``stop()`` after."""

    def __init__(self, api_key: str = "test-api-key-0123456789", database: str = "purchase"):
        self.api_key = api_key
        self.database = database
        self.calls: list[tuple[str, dict]] = []
        # answers of write calls by (method, Telegram user, request id), as Odoo keeps them
        self.answered: dict[tuple, dict] = {}
        self.faults: dict[str, int] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self.users = {
            1: {
                "id": 1,
                "name": "Anna Buyer",
                "lang": "en_US",
                "company": "City Clinic 1",
                "currency": "RUB",
                "roles": {
                    "forecast_user": True,
                    "forecast_manager": True,
                    "purchase_manager": True,
                },
                "can_approve": True,
            },
            2: {
                "id": 2,
                "name": "Борис Закупщик",
                "lang": "ru_RU",
                "company": "ГБУЗ Поликлиника 1",
                "currency": "RUB",
                "roles": {
                    "forecast_user": True,
                    "forecast_manager": False,
                    "purchase_manager": False,
                },
                "can_approve": False,
            },
        }
        self.tokens = {
            "tokAnna_0123456789abcdef": {"user": 1, "expired": False, "used": False},
            "tokBoris_0123456789abcdef": {"user": 2, "expired": False, "used": False},
            "tokOld_0123456789abcdef": {"user": 1, "expired": True, "used": False},
        }
        self.links: dict[str, int] = {}
        self.products = {
            10: {
                "id": 10,
                "name": "Paper A4",
                "code": "PA4",
                "uom": "pack",
                "vendor": "Office Supply LLC",
                "price": 250.0,
            },
            11: {
                "id": 11,
                "name": "Toner cartridge",
                "code": "TN-1",
                "uom": "pcs",
                "vendor": "Office Supply LLC",
                "price": 4100.0,
            },
            12: {
                "id": 12,
                "name": "Nitrile gloves M",
                "code": "GL-M",
                "uom": "box",
                "vendor": "MedTrade",
                "price": 590.5,
            },
            # a second paper: searching "paper" lists two products; Odoo's display name
            # carries the code, as product.product's does
            13: {
                "id": 13,
                "name": "[PA3] Paper A3",
                "code": "PA3",
                "uom": "pack",
                "vendor": "Office Supply LLC",
                "price": 480.0,
            },
        }
        self.purchases = {
            10: [
                {
                    "date": "2025-09-15",
                    "order": "P00090",
                    "vendor": "Office Supply LLC",
                    "quantity": 120.0,
                    "uom": "pack",
                    "price_unit": 245.0,
                    "amount": 29400.0,
                },
                {
                    "date": "2025-06-02",
                    "order": "P00071",
                    "vendor": "Office Supply LLC",
                    "quantity": 100.0,
                    "uom": "pack",
                    "price_unit": 240.5,
                    "amount": 24050.0,
                },
            ]
        }
        self.orders = {
            100: {
                "id": 100,
                "name": "P00100",
                "vendor": "Office Supply LLC",
                "state": "draft",
                "currency": "RUB",
                "date_order": "2025-11-20",
                "user": 1,
                "can_edit": True,
                "lines": [
                    {
                        "id": 1000,
                        "product_id": 11,
                        "product": "Toner cartridge",
                        "quantity": 4.0,
                        "uom": "pcs",
                        "price_unit": 4100.0,
                        "date_planned": "2025-12-01",
                    },
                ],
            }
        }
        self.next_id = 5000
        self.approvals = {
            ("rfq", 101): {
                "name": "P00101",
                "amount": 125000.0,
                "requested_by": "Ivan Petrov",
                "nonce": "n101a",
                "state": "pending",
                "approver": 1,
            },
            ("plan", 7): {
                "name": "PLAN/2025/007",
                "amount": 480000.0,
                "requested_by": "Olga",
                "nonce": "n7a",
                "state": "pending",
                "approver": 1,
            },
        }
        self.plan = {"id": 7, "name": "PLAN/2025/007", "state": "draft"}
        self.plan_lines = [
            {
                "product_id": 12,
                "product": "Nitrile gloves M",
                "on_hand": 3.0,
                "quantity": 40.0,
                "vendor": "MedTrade",
                "priority": 1,
                "reason": "Runs out in 5 days; delivery takes 14.",
            },
            {
                "product_id": 10,
                "product": "Paper A4",
                "on_hand": 30.0,
                "quantity": 120.0,
                "vendor": "Office Supply LLC",
                "priority": 2,
                "reason": "Below safety stock.",
            },
        ]
        self.outbox: list[dict] = []
        self.outbox_acks: list[dict] = []
        self.reports: list[tuple[int, str]] = []

    # server
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeOdoo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return

            def do_POST(self):
                status, payload = fake._handle(self)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler) -> tuple[int, dict]:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        if handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, {"name": "odoo.exceptions.AccessDenied", "message": "Access Denied"}
        if handler.headers.get("X-Odoo-Database") != self.database:
            return 404, {"name": "werkzeug.exceptions.NotFound", "message": "No database"}
        if not handler.path.startswith(MODEL_PATH):
            return 404, {"name": "werkzeug.exceptions.NotFound", "message": "Not Found"}
        method = handler.path[len(MODEL_PATH) :]
        try:
            kwargs = json.loads(body or b"{}")
        except ValueError:
            return 400, {"name": "BadRequest", "message": "bad JSON"}
        with self._cond:
            self.calls.append((method, kwargs))
            self._cond.notify_all()
            if method in self.faults:
                return self.faults[method], {"name": "ServerError", "message": "boom"}
            func = getattr(self, f"m_{method}", None)
            if func is None or method.startswith("_"):
                return 404, {"name": "NotFound", "message": f"no method {method}"}
            kwargs = dict(kwargs)  # the recorded call keeps its request id
            request_id = kwargs.pop("request_id", None)
            key = (method, kwargs.get("telegram_user_id"), request_id)
            if request_id is not None and key in self.answered:
                return 200, self.answered[key]  # Odoo's purchase.bot.request replay
            try:
                answer = func(**kwargs)
            except Refusal as refusal:
                return 200, {"error": {"code": refusal.code, "message": refusal.message}}
            if request_id is not None:
                self.answered[key] = copy.deepcopy(answer)
            return 200, answer

    def wait_call(self, method: str, timeout: float = 10.0, count: int = 1) -> list[dict]:
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self.called(method)) >= count, timeout)
            if not ok:
                raise AssertionError(f"{method} was not called {count} time(s): {self.calls}")
            return self.called(method)

    def called(self, method: str) -> list[dict]:
        return [kwargs for name, kwargs in self.calls if name == method]

    # helpers
    def _refuse(self, code: str, user: int | None = None):
        lang = self.users[user]["lang"] if user else "en_US"
        raise Refusal(code, MESSAGES[code][1 if lang.startswith("ru") else 0])

    def _user(self, telegram_user_id) -> int:
        if not isinstance(telegram_user_id, str):
            raise Refusal("invalid", "telegram_user_id must be a string")
        user = self.links.get(telegram_user_id)
        if user is None:
            self._refuse("not_linked")
        return user

    def _order(self, user: int, order_id: int) -> dict:
        order = self.orders.get(order_id)
        if order is None:
            self._refuse("not_found", user)
        if order["user"] != user:
            self._refuse("access_denied", user)
        return order

    @staticmethod
    def _head(order: dict) -> dict:
        total = sum(line["quantity"] * line["price_unit"] for line in order["lines"])
        return {
            "id": order["id"],
            "name": order["name"],
            "vendor": order["vendor"],
            "state": order["state"],
            "amount_total": total,
            "currency": order["currency"],
            "line_count": len(order["lines"]),
            "date_order": order["date_order"],
        }

    def _full(self, order: dict) -> dict:
        lines = [
            dict(line, subtotal=line["quantity"] * line["price_unit"]) for line in order["lines"]
        ]
        return dict(
            self._head(order), can_edit=order["can_edit"] and order["state"] == "draft", lines=lines
        )

    def _line(self, user: int, line_id: int) -> tuple[dict, dict]:
        for order in self.orders.values():
            for line in order["lines"]:
                if line["id"] == line_id:
                    if order["user"] != user:
                        self._refuse("access_denied", user)
                    return order, line
        self._refuse("not_found", user)

    # linking
    def m_link_account(self, token, telegram_user_id, telegram_username, chat_type):
        if chat_type != "private":
            self._refuse("not_private")
        entry = self.tokens.get(token)
        if entry is None or entry["used"]:
            self._refuse("token_invalid")
        if entry["expired"]:
            self._refuse("token_expired")
        linked = self.links.get(telegram_user_id)
        if linked is not None and linked != entry["user"]:
            self._refuse("already_linked", linked)
        entry["used"] = True
        for tg, user in list(self.links.items()):
            if user == entry["user"]:
                del self.links[tg]
        self.links[telegram_user_id] = entry["user"]
        return {"user": copy.deepcopy(self.users[entry["user"]])}

    def m_unlink_account(self, telegram_user_id):
        return {"unlinked": self.links.pop(telegram_user_id, None) is not None}

    def m_get_profile(self, telegram_user_id):
        return {"user": copy.deepcopy(self.users[self._user(telegram_user_id)])}

    # products
    def m_search_products(self, telegram_user_id, query, limit=8):
        self._user(telegram_user_id)
        words = query.lower().split()
        found = [
            {k: p[k] for k in ("id", "name", "code", "uom")}
            for p in self.products.values()
            if any(w[:3] in p["name"].lower() or w == p["code"].lower() for w in words)
        ]
        return {"products": found[:limit]}

    def m_product_card(self, telegram_user_id, product_id):
        user = self._user(telegram_user_id)
        product = self.products.get(product_id) or self._refuse("not_found", user)
        card = {
            "id": product_id,
            "name": product["name"],
            "code": product["code"],
            "uom": product["uom"],
            "currency": "RUB",
            "on_hand_total": 1234.5,
            "on_hand": [
                {"warehouse": "Main", "quantity": 1000.0},
                {"warehouse": "Branch", "quantity": 234.5},
            ],
            "incoming": 50.0,
            "demand_class": "smooth",
            "explanation": "Steady monthly use, slowly growing.",
            "forecast": {
                "month": {"mean": 56.0, "low": 48.0, "high": 65.0},
                "quarter": {"mean": 170.0, "low": 150.0, "high": 192.0},
                "year": {"mean": 690.0, "low": 610.0, "high": 780.0},
            },
            "suggestion": {
                "quantity": 120.0,
                "vendor": product["vendor"],
                "reason": "Covers lead time and safety stock.",
            },
        }
        series = {
            "period": "month",
            "band_level": 0.9,
            "history": _history(),
            "forecast": [
                {"date": "2025-11-01", "mean": 56.0, "low": 48.0, "high": 65.0},
                {"date": "2025-12-01", "mean": 57.0, "low": 47.0, "high": 68.0},
                {"date": "2026-01-01", "mean": 57.0, "low": 46.0, "high": 70.0},
            ],
        }
        return {
            "product": card,
            "series": series,
            "last_purchases": self.purchases.get(product_id, [])[:10],
        }

    def m_last_purchases(self, telegram_user_id, product_id, limit=50):
        self._user(telegram_user_id)
        return {"purchases": self.purchases.get(product_id, [])[:limit], "currency": "RUB"}

    # stock over time
    def m_turnover_statement(
        self, telegram_user_id, product_id, date_from=None, date_to=None, period="quarter"
    ):
        """Paper A4: four quarters from stock moves; any other product has none."""
        user = self._user(telegram_user_id)
        product = self.products.get(product_id) or self._refuse("not_found", user)
        if period not in ("month", "quarter", "year", "range"):
            self._refuse("invalid", user)
        quarters = [
            ("Q4 2025", "2025-10-01", "2025-12-31", 100.0, 40.0, 30.0),
            ("Q1 2026", "2026-01-01", "2026-03-31", 110.0, 0.0, 35.0),
            ("Q2 2026", "2026-04-01", "2026-06-30", 75.0, 60.0, 45.0),
            ("Q3 2026", "2026-07-01", "2026-07-10", 90.0, 0.0, 12.5),
        ]
        price = product["price"]
        rows = []
        if product_id == 10:
            for label, start, end, opening, receipts, issues in quarters:
                closing = opening + receipts - issues
                rows.append(
                    {
                        "label": label,
                        "date_start": start,
                        "date_end": end,
                        "opening_quantity": opening,
                        "opening_value": opening * price,
                        "receipt_quantity": receipts,
                        "receipt_value": receipts * price,
                        "issue_quantity": issues,
                        "issue_value": issues * price,
                        "closing_quantity": closing,
                        "closing_value": closing * price,
                    }
                )
        names = ("opening", "receipt", "issue", "closing")
        total = {f"{n}_{m}": 0.0 for n in names for m in ("quantity", "value")}
        if rows:
            for m in ("quantity", "value"):
                total[f"opening_{m}"] = rows[0][f"opening_{m}"]
                total[f"closing_{m}"] = rows[-1][f"closing_{m}"]
                for n in ("receipt", "issue"):
                    total[f"{n}_{m}"] = sum(r[f"{n}_{m}"] for r in rows)
        return {
            "product": {k: product[k] for k in ("id", "name", "code", "uom")},
            "currency": "RUB",
            "period": period,
            "date_from": date_from or "2025-10-01",
            "date_to": date_to or "2026-07-10",
            "source": "moves" if rows else None,
            "total": total,
            "rows": rows,
        }

    def m_stock_at_dates(self, telegram_user_id, product_id, date=None, period="month", count=6):
        """Two warehouses; the last date is the one asked for (default 2026-07-10)."""
        user = self._user(telegram_user_id)
        product = self.products.get(product_id) or self._refuse("not_found", user)
        day = date or "2026-07-10"
        if day > "2026-07-10":
            raise Refusal("invalid", "The date is in the future.")
        dates = ["2026-05-31", "2026-06-30", day][-(count + 1) :]
        main = [80.0, 70.0, 65.5][-len(dates) :]
        branch = [10.0, 0.0, 4.0][-len(dates) :]
        return {
            "product": {k: product[k] for k in ("id", "name", "code", "uom")},
            "date": day,
            "period": period,
            "dates": dates,
            "total": [a + b for a, b in zip(main, branch, strict=True)],
            "warehouses": [
                {"id": 1, "name": "Main", "quantities": main, "sources": ["moves"] * len(dates)},
                {
                    "id": 2,
                    "name": "Branch",
                    "quantities": branch,
                    "sources": ["moves"] * len(dates),
                },
            ],
        }

    # analytics
    def m_purchase_analytics(self, telegram_user_id, granularity, measure, date_from=None):
        self._user(telegram_user_id)
        if granularity not in ("year", "quarter", "month") or measure not in ("count", "amount"):
            self._refuse("invalid")
        rows = [
            {"period": "2024-01-01", "label": "2024", "count": 41, "amount": 1520000.0},
            {"period": "2025-01-01", "label": "2025", "count": 37, "amount": 1710500.5},
        ]
        return {"currency": "RUB", "rows": rows}

    def m_top_purchases(self, telegram_user_id, limit=20, date_from=None):
        self._user(telegram_user_id)
        rows = [
            {
                "date": "2025-03-10",
                "order": "P00050",
                "vendor": "MedTrade",
                "product": "Nitrile gloves M",
                "quantity": 500.0,
                "amount": 295250.0,
            },
            {
                "date": "2025-09-15",
                "order": "P00090",
                "vendor": "Office Supply LLC",
                "product": "Paper A4",
                "quantity": 120.0,
                "amount": 29400.0,
            },
        ]
        return {"currency": "RUB", "rows": rows[:limit]}

    # RFQs
    def m_list_rfqs(self, telegram_user_id):
        user = self._user(telegram_user_id)
        return {
            "orders": [
                self._head(o)
                for o in self.orders.values()
                if o["user"] == user and o["state"] in ("draft", "sent")
            ]
        }

    def m_get_rfq(self, telegram_user_id, order_id):
        return {"order": self._full(self._order(self._user(telegram_user_id), order_id))}

    SUGGESTION = 120.0

    def _suggestion(self, user: int, product_id: int, excluded: dict | None = None) -> float:
        """The fake policy: 120 of a product, less what the user's drafts already hold."""
        held = sum(
            line["quantity"]
            for order in self.orders.values()
            if order["user"] == user and order["state"] == "draft" and order is not excluded
            for line in order["lines"]
            if line["product_id"] == product_id
        )
        return max(0.0, self.SUGGESTION - held)

    def m_add_rfq_line(self, telegram_user_id, product_id, quantity=None, order_id=None, mode=None):
        """Odoo's contract: a product already on the draft answers "exists" unless ``mode``
        says replace or add; a suggestion of nothing answers "covered"."""
        user = self._user(telegram_user_id)
        product = self.products.get(product_id) or self._refuse("not_found", user)
        if mode not in (None, "replace", "add"):
            self._refuse("invalid", user)
        if order_id is None:
            order = next(
                (
                    o
                    for o in self.orders.values()
                    if o["user"] == user
                    and o["state"] == "draft"
                    and o["vendor"] == product["vendor"]
                ),
                None,
            )
        else:
            order = self._order(user, order_id)
        line = next(
            (ln for ln in (order or {}).get("lines", []) if ln["product_id"] == product_id), None
        )
        if line and mode is None:
            return {
                "status": "exists",
                "order": self._full(order),
                "line_id": line["id"],
                "quantity": line["quantity"],
                "uom": line["uom"],
                "replace_quantity": self._suggestion(user, product_id, order),
                "add_quantity": self._suggestion(user, product_id),
            }
        excluded = order if line and mode == "replace" else None
        qty = quantity if quantity is not None else self._suggestion(user, product_id, excluded)
        if qty <= 0:
            return {
                "status": "covered",
                "order": self._full(order) if order else None,
                "line_id": line["id"] if line else None,
                "quantity": 0.0,
                "message": f"Nothing to order now: {product['name']} is covered.",
            }
        if order is None:
            self.next_id += 1
            order = {
                "id": self.next_id,
                "name": f"P0{self.next_id}",
                "vendor": product["vendor"],
                "state": "draft",
                "currency": "RUB",
                "date_order": "2025-11-27",
                "user": user,
                "can_edit": True,
                "lines": [],
            }
            self.orders[order["id"]] = order
        if line is None:
            self.next_id += 1
            line = {
                "id": self.next_id,
                "product_id": product_id,
                "product": product["name"],
                "quantity": qty,
                "uom": product["uom"],
                "price_unit": product["price"],
                "date_planned": "2025-12-15",
            }
            order["lines"].append(line)
            status = "created"
        elif mode == "replace":
            line["quantity"] = qty
            status = "replaced"
        else:
            line["quantity"] += qty
            status = "added"
        return {
            "status": status,
            "order": self._full(order),
            "line_id": line["id"],
            "quantity": qty,
        }

    def m_update_rfq_line(
        self, telegram_user_id, line_id, quantity=None, price_unit=None, date_planned=None
    ):
        user = self._user(telegram_user_id)
        order, line = self._line(user, line_id)
        if quantity is not None:
            line["quantity"] = quantity
        if price_unit is not None:
            line["price_unit"] = price_unit
        if date_planned is not None:
            line["date_planned"] = date_planned
        return {"order": self._full(order)}

    def m_remove_rfq_line(self, telegram_user_id, line_id):
        user = self._user(telegram_user_id)
        order, line = self._line(user, line_id)
        order["lines"].remove(line)
        return {"order": self._full(order)}

    def m_export_rfq_json(self, telegram_user_id, order_id):
        order = self._order(self._user(telegram_user_id), order_id)
        document = {
            "version": 1,
            "order": order["name"],
            "items": [
                {"name": line["product"], "quantity": line["quantity"], "price": line["price_unit"]}
                for line in order["lines"]
            ],
        }
        return {"filename": f"{order['name']}.json", "document": document}

    def m_cancel_rfq(self, telegram_user_id, order_id):
        order = self._order(self._user(telegram_user_id), order_id)
        order["state"] = "cancel"
        return {"order": self._head(order)}

    # approvals, plans, budget
    def m_list_approvals(self, telegram_user_id):
        user = self._user(telegram_user_id)
        items = [
            {
                "kind": kind,
                "id": rid,
                "name": a["name"],
                "amount": a["amount"],
                "currency": "RUB",
                "requested_by": a["requested_by"],
                "nonce": a["nonce"],
            }
            for (kind, rid), a in self.approvals.items()
            if a["state"] == "pending" and a["approver"] == user
        ]
        return {"items": items}

    def m_decide_approval(self, telegram_user_id, kind, record_id, decision, nonce):
        user = self._user(telegram_user_id)
        approval = self.approvals.get((kind, record_id)) or self._refuse("not_found", user)
        if approval["approver"] != user or not self.users[user]["can_approve"]:
            self._refuse("access_denied", user)
        if approval["state"] != "pending":
            return {"status": "already_decided", "name": approval["name"]}
        if nonce != approval["nonce"]:
            self._refuse("stale", user)
        if decision not in ("approve", "reject"):
            self._refuse("invalid", user)
        approval["state"] = "approved" if decision == "approve" else "rejected"
        return {"status": approval["state"], "name": approval["name"]}

    def m_list_plan_risks(self, telegram_user_id, limit=20):
        self._user(telegram_user_id)
        return {"plan": dict(self.plan), "lines": self.plan_lines[:limit]}

    def m_plan_create_rfqs(self, telegram_user_id, plan_id):
        user = self._user(telegram_user_id)
        if plan_id != self.plan["id"]:
            self._refuse("not_found", user)
        orders = []
        for line in self.plan_lines:
            order = self.m_add_rfq_line(
                telegram_user_id, line["product_id"], line["quantity"], mode="add"
            )["order"]
            orders.append(order["id"])
        return {"orders": [self._head(self.orders[i]) for i in dict.fromkeys(orders)]}

    def m_budget_status(self, telegram_user_id):
        self._user(telegram_user_id)
        return {
            "currency": "RUB",
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
            "budget": 1000000.0,
            "committed": 250000.5,
            "remaining": 749999.5,
        }

    def m_report_problem(self, telegram_user_id, text):
        self.reports.append((self._user(telegram_user_id), text))
        return {"reported": True}

    def m_digest_to_rfqs(self, telegram_user_id, message_id):
        """The digest's button: its products (``outbox[...]["products"]``) on the user's
        drafts with the fake policy's quantity, skipping those already on a draft."""
        user = self._user(telegram_user_id)
        message = next((m for m in self.outbox if m["id"] == message_id), None)
        if message is None or self.links.get(message["telegram_user_id"]) != user:
            self._refuse("not_found", user)
        added, skipped, orders = [], [], []
        for product_id in message.get("products", []):
            answer = self.m_add_rfq_line(telegram_user_id, product_id)
            name = self.products[product_id]["name"]
            if answer["status"] == "created":
                orders.append(answer["order"]["id"])
                added.append(
                    {
                        "product": name,
                        "quantity": answer["quantity"],
                        "order": answer["order"]["name"],
                    }
                )
            else:
                skipped.append({"product": name, "reason": f"already on {answer['order']['name']}"})
        return {
            "orders": [self._head(self.orders[i]) for i in dict.fromkeys(orders)],
            "added": added,
            "skipped": skipped,
        }

    # outbox
    def m_outbox_fetch(self, limit=50):
        pending = [m for m in self.outbox if m["state"] == "pending"][:limit]
        return {
            "messages": [
                {
                    **{k: m[k] for k in ("id", "telegram_user_id", "text", "attempts")},
                    "buttons": m.get("buttons", []),
                }
                for m in pending
            ]
        }

    def m_outbox_ack(self, message_id, delivered, error=None):
        self.outbox_acks.append({"message_id": message_id, "delivered": delivered, "error": error})
        message = next((m for m in self.outbox if m["id"] == message_id), None)
        if message is None:
            self._refuse("not_found")
        message["attempts"] += 1
        if delivered:
            message["state"] = "delivered"
            return {"status": "delivered"}
        message["state"] = "failed" if message["attempts"] >= 5 else "retry"
        return {"status": message["state"]}


class Refusal(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message
