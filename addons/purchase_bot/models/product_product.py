import numpy as np
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.purchase_forecast.forecast_engine.periods import period_start
from odoo.addons.purchase_forecast.models.purchase_forecast_demand import DemandScope

from .gateway_arguments import iso_date

BAND = (0.1, 0.5, 0.9)
# the card's forecast ranges: the next month, quarter and year, in days of the calendar
FORECAST_SPANS = {"month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25}
# typo-tolerant search: names sharing this much of their trigrams with a word of the query
# (pg_trgm word similarity; its default, 0.6, misses two typos in a short word) are ranked,
# at most FUZZY_SHORTLIST of them
FUZZY_SIMILARITY = "0.3"
FUZZY_SHORTLIST = 200


class ProductProduct(models.Model):
    """What the Telegram assistant shows of a product: search, card and last purchases,
    read in the environment of the linked user (their rights decide what they see)."""

    _inherit = "product.product"

    # ------------------------------------------------------------------ search

    @api.model
    def _bot_search(self, text, limit):
        """At most ``limit`` purchasable goods matching ``text``: exact code first, then code
        or name containing it, then names within a typo or two (trigram shortlist ranked
        by rapidfuzz)."""
        from rapidfuzz import fuzz, process

        from odoo.addons.purchase_forecast.importers import normalize_name

        base = Domain([("purchase_ok", "=", True), ("type", "=", "consu")])
        found = self.search(base & Domain("default_code", "=ilike", text), limit=limit)
        found |= self.search(
            base & (Domain("default_code", "ilike", text) | Domain("name", "ilike", text)),
            limit=limit,
        )
        if len(found) < limit:
            shortlist = self._bot_trigram_shortlist(text)
            candidates = self.search_read(base & Domain("id", "in", shortlist), ["display_name"])
            names = {c["id"]: normalize_name(c["display_name"]) for c in candidates}
            for _name, _score, product_id in process.extract(
                normalize_name(text),
                names,
                scorer=fuzz.WRatio,
                limit=limit * 2,
                score_cutoff=70,
            ):
                if len(found) >= limit:
                    break
                found |= self.browse(product_id)
        return found[:limit]

    @api.model
    def _bot_trigram_shortlist(self, text):
        """Ids of at most FUZZY_SHORTLIST products whose name holds a word like `text`
        (pg_trgm word similarity), most similar first. The query is served by the trigram
        index Odoo keeps on product names, so it reads tens of rows, not the catalog; the
        caller applies the user's access rules to the ids."""
        if not self.env.registry.has_trigram:
            return self._search([], limit=FUZZY_SHORTLIST)
        names = self.env.registry.unaccent(SQL("jsonb_path_query_array(t.name, '$.*')::text"))
        wanted = self.env.registry.unaccent(SQL("%s", text))
        threshold = "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)"
        self.env.cr.execute(SQL(threshold, FUZZY_SIMILARITY))
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id
                  FROM product_product AS p
                  JOIN product_template AS t ON t.id = p.product_tmpl_id
                 WHERE p.active AND t.active AND %(wanted)s <%% %(names)s
                 ORDER BY word_similarity(%(wanted)s, %(names)s) DESC, p.id
                 LIMIT %(limit)s
                """,
                wanted=wanted,
                names=names,
                limit=FUZZY_SHORTLIST,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(SQL(threshold, "0.6"))  # pg_trgm's default, for the rest of the request
        return ids

    def _bot_head(self):
        """The product in a list: the code travels on its own, the name without it."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.with_context(display_default_code=False).display_name,
            "code": self.default_code or "",
            "uom": self.uom_id.name,
        }

    # ------------------------------------------------------------------ card

    def _bot_card(self):
        """The product card: stock per warehouse, the published forecast's ranges and
        series (nothing is fitted here), what a plan would order now, the last purchases."""
        self.ensure_one()
        env = self.env
        warehouses = env["stock.warehouse"].search([("company_id", "=", env.company.id)])
        on_hand = [
            {
                "warehouse": warehouse.name,
                "quantity": self.with_context(warehouse_id=warehouse.id).qty_available,
            }
            for warehouse in warehouses
        ]
        result = self.forecast_result_id
        if result:
            series = result._bot_series()
            ranges = result._demand_over_days(FORECAST_SPANS, (BAND[0], BAND[2]))
        else:
            series = {
                "period": "month",
                "band_level": 0.8,
                "history": self._bot_monthly_history(),
                "forecast": [],
            }
            ranges = None
        series["history"] = series["history"][-24:]
        card = {
            **self._bot_head(),
            "currency": env.company.currency_id.name,
            "on_hand_total": self.qty_available,
            "on_hand": on_hand,
            "incoming": self.incoming_qty,
            "demand_class": result.demand_class or None,
            "explanation": result.explanation or None,
            "forecast": ranges,
            "suggestion": self._bot_suggestion(warehouses[:1]),
        }
        return {"product": card, "series": series, "last_purchases": self._bot_purchases(10)}

    def _bot_monthly_history(self):
        """The product's monthly demand history (no forecast): what the card shows when no
        published forecast covers the product."""
        company = self.env.company
        today = fields.Date.context_today(self)
        date_to = period_start(today, "month")
        scope = DemandScope(
            company=company,
            products=self,
            period="month",
            date_from=period_start(
                date_to - relativedelta(months=company.forecast_history_months), "month"
            ),
            date_to=date_to,
            source=company.forecast_history_source,
        )
        panel = self.env["purchase.forecast.demand"].sudo()._build_panel(scope)
        return [
            {"date": str(day), "quantity": None if np.isnan(v) else round(float(v), 3)}
            for day, v in zip(panel.starts, panel.values[0], strict=True)
        ]

    def _bot_suggestion(self, warehouse):
        """What a plan would order of the product now in ``warehouse`` from the published
        forecast (stock, open RFQs and receipts counted), with its vendor and short reason;
        None without a published forecast or a warehouse."""
        if not warehouse or not self.forecast_result_id:
            return None
        line = self.env["purchase.plan"]._policy_advice_lines(self, warehouse)[self.id]
        return {
            "quantity": line.quantity,
            "vendor": line.vendor_id.display_name or "",
            "reason": line.short_reason,
        }

    def _bot_purchases(self, limit):
        """The product's latest purchases, newest first."""
        self.ensure_one()
        rows = self.env["purchase.forecast.spend.report"].search(
            [("product_id", "=", self.id)], order="date desc, id desc", limit=limit
        )
        return [
            {
                "date": iso_date(row.date),
                "order": row.document or "",
                "vendor": row.partner_id.display_name or "",
                "quantity": row.quantity,
                "uom": self.uom_id.name,
                "price_unit": row.amount / row.quantity if row.quantity else None,
                "amount": row.amount,
            }
            for row in rows
        ]
