"""Writes what the file parsers read into Odoo: categories, vendors, products, demand history,
stock levels and on-hand quantities, and the log of the import."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date, formatLang

from .. import importers
from ..importers import Shown, _

_logger = logging.getLogger(__name__)

# KPGZ top level: 01 goods, 02 works, 03 services
SERVICE_KPGZ_ROOTS = ("02", "03")
# units as the parsers spell them -> Odoo's standard units
UNIT_UOMS = {
    "шт": "uom.product_uom_unit",
    "кг": "uom.product_uom_kgm",
    "г": "uom.product_uom_gram",
    "л": "uom.product_uom_litre",
    "мл": "uom.product_uom_milliliter",
    "м": "uom.product_uom_meter",
    "м2": "uom.product_uom_square_meter",
    "м3": "uom.product_uom_cubic_meter",
}
# the generic file's canonical fields, as users read them (marked for the extractor with the
# importers' no-op _; shown through self.env._)
FIELD_LABELS = {
    "date": _("Date"),  # pylint: disable=prefer-env-translation
    "product_code": _("Product code"),  # pylint: disable=prefer-env-translation
    "product_name": _("Product name"),  # pylint: disable=prefer-env-translation
    "quantity": _("Quantity"),  # pylint: disable=prefer-env-translation
    "amount": _("Amount"),  # pylint: disable=prefer-env-translation
    "warehouse": _("Warehouse"),  # pylint: disable=prefer-env-translation
    "document": _("Document"),  # pylint: disable=prefer-env-translation
    "unit": _("Unit"),  # pylint: disable=prefer-env-translation
    "vendor": _("Vendor"),  # pylint: disable=prefer-env-translation
    "category": _("Category"),  # pylint: disable=prefer-env-translation
}
# a turnover sheet's movements kept on the stock level, added up like quantity and value
MOVEMENT_FIELDS = (
    "opening_quantity",
    "opening_value",
    "receipt_quantity",
    "receipt_value",
    "issue_quantity",
    "issue_value",
)
MAX_LISTED = 200  # skipped rows and uncertain matches kept in texts
HISTORY_COMPARED = (
    "product_id",
    "date",
    "kind",
    "quantity",
    "has_quantity",
    "amount",
    "warehouse_id",
    "partner_id",
    "document_ref",
)


@dataclass
class ImportOptions:
    """How a parsed file is written: for which company, where its stock is, what its rows are."""

    company: models.BaseModel
    warehouse: models.BaseModel
    apply_inventory: bool = False
    demand_kind: str | None = None  # generic files: consumption (default) or purchase
    uncertain_action: str = "link"  # a name only similar: link to it, or "create" a product
    date_shift_years: int = 0  # the demo only: move dates forward by whole years


@dataclass
class ProductPlan:
    """What each product item of a file becomes: an earlier link, a match, or a new product."""

    links: dict  # item key -> purchase.forecast.product.link made by an earlier import
    matches: dict  # item key -> importers.Match for the items not linked before
    uncertain: list = field(default_factory=list)  # (item, Match)

    def count(self, method):
        return sum(1 for match in self.matches.values() if match.method == method)

    @property
    def to_create(self):
        return sum(1 for match in self.matches.values() if match.candidate_id is None)

    @property
    def uncertain_by_name(self):
        return [(item, match) for item, match in self.uncertain if match.method == "name"]


class PurchaseForecastImporter(models.AbstractModel):
    """Turns a ParseResult into Odoo records, in the caller's transaction.

    Everything is keyed so that importing the same file again updates instead of adding:
    history by its source key, products through their links, stock levels by location,
    account, product and date (a later file of the same account and date replaces the
    earlier one), on-hand quantities by the change the file makes to the latest known level.
    """

    _name = "purchase.forecast.importer"
    _description = "Procurement Data Writer"

    # ------------------------------------------------------------------ messages

    @api.model
    def _message(self, template, params=None):
        """A parser message in the user's language (labels among its parameters too)."""
        labels = importers.MESSAGE_LABELS
        values = {}
        for name, value in (params or {}).items():
            if isinstance(value, Shown):
                value = self._shown(value)
            elif isinstance(value, str) and value in labels:
                value = self.env._(value)  # pylint: disable=translation-required
            elif name == "field" and value in FIELD_LABELS:
                value = self.env._(FIELD_LABELS[value])  # pylint: disable=translation-required
            values[name] = value
        return self.env._(template, **values)  # pylint: disable=translation-required

    @api.model
    def _shown(self, shown):
        """A parser's number or date, written the way the user's language does."""
        if isinstance(shown.value, dt.date):
            return format_date(self.env, shown.value)
        value = shown.value
        digits = shown.digits
        if digits is None:  # a quantity: as many decimals as it has, at most 3
            digits = next((d for d in (0, 1, 2) if abs(round(value, d) - value) < 1e-9), 3)
        return formatLang(self.env, value, digits=digits)

    @api.model
    def _format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return self.env._("yes") if value else self.env._("no")
        if isinstance(value, int):
            return formatLang(self.env, value, digits=0)
        if isinstance(value, float):
            return formatLang(self.env, value, digits=2)
        if isinstance(value, dt.date):
            return format_date(self.env, value)
        if isinstance(value, list):
            parts = []
            for item in value:
                if isinstance(item, dict) and "date" in item:
                    parts.append(
                        self.env._(
                            "%(date)s: %(rows)s rows, value %(value)s, quantity %(quantity)s",
                            date=format_date(self.env, item["date"]),
                            rows=item.get("rows", 0),
                            value=formatLang(self.env, item.get("value") or 0.0, digits=2),
                            quantity=formatLang(self.env, item.get("quantity") or 0.0, digits=2),
                        )
                    )
                else:
                    parts.append(str(item))
            return "; ".join(parts)
        return str(value)

    @api.model
    def _summary_lines(self, result):
        """(label, formatted value) for the parser's summary, in the user's language."""
        lines = []
        for key, value in result.summary.items():
            text = self._format_value(value)
            if text is None:
                continue
            label = importers.SUMMARY_LABELS.get(key)
            label = self.env._(label) if label else key  # pylint: disable=translation-required
            lines.append((label, text))
        return lines

    @api.model
    def _json_summary(self, summary):
        def plain(value):
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, list):
                return [plain(item) for item in value]
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            return value

        return plain(summary)

    # ------------------------------------------------------------------ products

    @api.model
    def _product_candidates(self, company):
        """(id, code, name) of the products a file item may be: one row per name and per
        code (internal reference, STE code, SPGZ id)."""
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=True)
            .search_fetch(
                [("company_id", "in", [False, company.id])],
                ["name", "default_code", "ste_code", "spgz_id"],
            )
        )
        candidates = []
        for product in products:
            candidates.append((product.id, None, product.name))
            for code in {product.default_code, product.ste_code, product.spgz_id}:
                if code:
                    candidates.append((product.id, code, None))
        return candidates

    @api.model
    def _plan_products(self, result, company):
        """Earlier links first, then code, then fuzzy name (match_products)."""
        Link = self.env["purchase.forecast.product.link"].sudo()
        items = result.products
        links = {
            link.key: link
            for link in Link.search(
                [("company_id", "=", company.id), ("key", "in", [item.key for item in items])]
            )
        }
        pending = [item for item in items if item.key not in links]
        plan = ProductPlan(links=links, matches={})
        if pending:
            candidates = self._product_candidates(company)
            found = importers.match_products(
                [(item.code, item.name) for item in pending], candidates
            )
            for item, match in zip(pending, found, strict=True):
                plan.matches[item.key] = match
                if match.candidate_id and match.uncertain:
                    plan.uncertain.append((item, match))
        return plan

    @api.model
    def _uom_for(self, unit):
        xmlid = UNIT_UOMS.get((unit or "").strip().lower())
        uom = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        if not uom and unit:
            uom = self.env["uom.uom"].search([("name", "=ilike", unit.strip())], limit=1)
        return uom or self.env.ref("uom.product_uom_unit")

    @api.model
    def _is_service(self, item):
        code = item.category_code or ""
        return code.split(".")[0] in SERVICE_KPGZ_ROOTS

    @api.model
    def _product_values(self, item, result, company, category):
        service = self._is_service(item)
        values = {
            "name": item.name,
            "type": "service" if service else "consu",
            "is_storable": not service,
            "purchase_ok": True,
            "sale_ok": False,
            "company_id": company.id,
            "uom_id": self._uom_for(item.unit).id,
            "kpgz_code": item.category_code or False,
            "spgz_id": item.spgz_code or False,
            "reference_price": item.reference_price or 0.0,
            "standard_price": item.reference_price or 0.0,
            "procurement_characteristic_ids": [
                Command.create({"name": name, "sequence": index})
                for index, name in enumerate(item.characteristics)
            ],
        }
        if result.kind == importers.GENERIC and item.code:
            values["default_code"] = item.code
        if category:
            values["categ_id"] = category.id
        return values

    @api.model
    def _complete_product(self, product, item, category):
        """Fill what an existing product lacks from the file; True when it changed."""
        template = product.product_tmpl_id
        values = {}
        if item.category_code and not template.kpgz_code:
            values["kpgz_code"] = item.category_code
        if item.spgz_code and not template.spgz_id:
            values["spgz_id"] = item.spgz_code
        if item.reference_price and not template.reference_price:
            values["reference_price"] = item.reference_price
        if item.reference_price and not template.standard_price:
            values["standard_price"] = item.reference_price
        if item.characteristics and not template.procurement_characteristic_ids:
            values["procurement_characteristic_ids"] = [
                Command.create({"name": name, "sequence": index})
                for index, name in enumerate(item.characteristics)
            ]
        if category and not template.categ_id:
            values["categ_id"] = category.id
        if values:
            template.write(values)
        return bool(values)

    @api.model
    def _write_products(self, result, options, log, categories, stats):
        """Product per item key: linked before, matched (and linked now) or created.

        A match by a similar name only is linked to the closest product, or with
        ``uncertain_action="create"`` gets a product of its own; either way it is marked for
        review with the closest product beside it."""
        company = options.company
        # thousands of products at once: no "created" message, tracking or follower each
        Product = (
            self.env["product.product"]
            .sudo()
            .with_company(company)
            .with_context(tracking_disable=True)
        )
        Link = self.env["purchase.forecast.product.link"].sudo()
        plan = self._plan_products(result, company)
        products = {}
        link_values = []
        to_create = []
        for item in result.products:
            category = self._item_category(item, categories, stats)
            link = plan.links.get(item.key)
            if link:
                products[item.key] = link.product_id
                stats["product_linked"] += 1
                stats["product_updated"] += self._complete_product(
                    link.product_id.with_company(company), item, category
                )
                continue
            match = plan.matches[item.key]
            separate = (
                match.uncertain and match.method == "name" and options.uncertain_action == "create"
            )
            if match.candidate_id is None or separate:
                to_create.append((item, category, match if separate else None))
                stats["uncertain"] += bool(separate)
                continue
            product = Product.browse(match.candidate_id)
            products[item.key] = product
            stats["product_matched"] += 1
            stats["uncertain"] += bool(match.uncertain)
            stats["product_updated"] += self._complete_product(product, item, category)
            link_values.append(self._link_values(item, product, company, log, match))
        created = Product.create(
            [
                self._product_values(item, result, company, category)
                for item, category, _match in to_create
            ]
        )
        for (item, _category, match), product in zip(to_create, created, strict=True):
            products[item.key] = product
            values = self._link_values(item, product, company, log, None)
            if match:
                values.update(
                    {"uncertain": True, "score": match.score, "candidate_id": match.candidate_id}
                )
            link_values.append(values)
        stats["product_created"] += len(created)
        Link.create(link_values)
        return products

    @api.model
    def _link_values(self, item, product, company, log, match):
        return {
            "company_id": company.id,
            "key": item.key,
            "source_name": item.name,
            "source_code": item.code or item.spgz_code or False,
            "product_id": product.id,
            "import_id": log.id,
            "match_method": match.method if match else "created",
            "score": match.score if match else 0.0,
            "uncertain": bool(match and match.uncertain),
            "candidate_id": match.candidate_id if match and match.uncertain else False,
        }

    # ------------------------------------------------------------------ categories

    @api.model
    def _write_categories(self, result, stats):
        """KPGZ categories by code, parents before children, each level in one create."""
        Category = self.env["product.category"].sudo().with_context(tracking_disable=True)
        wanted = result.categories
        found = {
            category.kpgz_code: category
            for category in Category.search([("kpgz_code", "in", [c.code for c in wanted])])
        }
        by_depth = defaultdict(list)
        for category in wanted:
            by_depth[category.code.count(".")].append(category)
        for depth in sorted(by_depth):
            missing = []
            for category in by_depth[depth]:
                record = found.get(category.code)
                parent = found.get(category.parent_code) if category.parent_code else None
                if record is None:
                    missing.append(category)
                    continue
                values = {}
                if category.name and record.name == record.kpgz_code:
                    values["name"] = category.name
                if parent and not record.parent_id:
                    values["parent_id"] = parent.id
                if values:
                    record.write(values)
            records = Category.create(
                [
                    {
                        "name": category.name or category.code,
                        "kpgz_code": category.code,
                        "parent_id": found[category.parent_code].id
                        if category.parent_code in found
                        else False,
                    }
                    for category in missing
                ]
            )
            for category, record in zip(missing, records, strict=True):
                found[category.code] = record
            stats["category_created"] += len(records)
        return found

    @api.model
    def _item_category(self, item, categories, stats):
        if item.category_code:
            return categories.get(item.category_code)
        if item.category_name:
            # generic files name a category without a code
            Category = self.env["product.category"].sudo()
            category = categories.get(("name", item.category_name))
            if category is None:
                category = Category.search([("name", "=", item.category_name)], limit=1)
                if not category:
                    category = Category.create({"name": item.category_name})
                    stats["category_created"] += 1
                categories[("name", item.category_name)] = category
            return category
        return None

    # ------------------------------------------------------------------ vendors

    @api.model
    def _find_vendor(self, company, inn, name):
        Partner = self.env["res.partner"].sudo()
        scope = Domain("company_id", "in", [False, company.id])
        if inn:
            partner = Partner.search(scope & Domain("vat", "in", [inn, f"RU{inn}"]), limit=1)
            if partner:
                return partner
        if name:
            return Partner.search(
                scope & Domain([("name", "=ilike", name), ("is_company", "=", True)]), limit=1
            )
        return Partner

    @api.model
    def _vendor(self, company, inn, name, cache, stats, notes):
        """The vendor by INN, then by name; created when unknown."""
        cache_key = (inn or "", (name or "").strip().lower())
        if cache_key in cache:
            return cache[cache_key]
        if not inn and not name:
            return self.env["res.partner"]
        partner = self._find_vendor(company, inn, name)
        if partner:
            stats["vendor_matched"] += 1
        else:
            values = {
                "name": name or inn,
                "is_company": True,
                "supplier_rank": 1,
                "company_id": company.id,
            }
            try:
                with self.env.cr.savepoint():
                    partner = self.env["res.partner"].sudo().create({**values, "vat": inn or False})
            except ValidationError:
                # a VAT checker (base_vat) refused the INN: keep the vendor, note why
                partner = self.env["res.partner"].sudo().create(values)
                notes.append(
                    self.env._(
                        "The INN %(inn)s of vendor %(vendor)s was refused as a tax id; the "
                        "vendor was created without it.",
                        inn=inn,
                        vendor=partner.name,
                    )
                )
            stats["vendor_created"] += 1
        cache[cache_key] = partner
        return partner

    # ------------------------------------------------------------------ history

    @api.model
    def _shift(self, day, options):
        if not options.date_shift_years:
            return day
        return day + relativedelta(years=options.date_shift_years)

    @api.model
    def _history_kind(self, result, options):
        if result.kind == importers.CONTRACT_REGISTER:
            return "purchase"
        if result.kind == importers.GENERIC:
            return options.demand_kind or "consumption"
        return "consumption"

    @api.model
    def _record_warehouse(self, record, result, options, cache, notes):
        """Contract lines belong to the company; issues and generic rows to a warehouse: the
        one the row names (by name or short code), else the one chosen for the import."""
        if result.kind == importers.CONTRACT_REGISTER:
            return self.env["stock.warehouse"]
        if not record.warehouse:
            return options.warehouse
        if record.warehouse not in cache:
            warehouse = (
                self.env["stock.warehouse"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", options.company.id),
                        "|",
                        ("name", "=ilike", record.warehouse),
                        ("code", "=ilike", record.warehouse),
                    ],
                    limit=1,
                )
            )
            if not warehouse:
                notes.append(
                    self.env._(
                        "Warehouse '%(name)s' named by the file was not found: its rows were "
                        "recorded for %(warehouse)s.",
                        name=record.warehouse,
                        warehouse=options.warehouse.display_name or "-",
                    )
                )
            cache[record.warehouse] = warehouse or options.warehouse
        return cache[record.warehouse]

    @api.model
    def _write_history(self, result, options, log, products, item_by_row, vendors, stats, notes):
        History = self.env["purchase.forecast.history"].sudo()
        company = options.company
        kind = self._history_kind(result, options)
        existing = {
            record.key: record
            for record in History.search_fetch(
                [("company_id", "=", company.id), ("key", "in", [d.key for d in result.demand])],
                ["key", *HISTORY_COMPARED],
            )
        }
        warehouses = {}
        currencies = set()
        to_create = []
        for record in result.demand:
            product = products[item_by_row[record.row]]
            partner = self._vendor(company, record.vendor_inn, record.vendor, vendors, stats, notes)
            warehouse = self._record_warehouse(record, result, options, warehouses, notes)
            currencies.add(record.currency)
            values = {
                "product_id": product.id,
                "date": self._shift(record.date, options),
                "kind": kind,
                "quantity": record.quantity or 0.0,
                "has_quantity": record.quantity is not None,
                "amount": record.amount or 0.0,
                "warehouse_id": warehouse.id or False,
                "partner_id": partner.id or False,
                "document_ref": record.document or False,
            }
            current = existing.get(record.key)
            if current is None:
                to_create.append(
                    {
                        **values,
                        "company_id": company.id,
                        "key": record.key,
                        "source": result.filename,
                        "import_id": log.id,
                    }
                )
            elif self._history_changed(current, values):
                current.write({**values, "source": result.filename, "import_id": log.id})
                stats["updated"] += 1
            else:
                stats["unchanged"] += 1
        History.create(to_create)
        stats["created"] += len(to_create)
        company_currency = company.currency_id.name
        foreign = sorted(c for c in currencies if c and c != company_currency)
        if foreign:
            notes.append(
                self.env._(
                    "The file's amounts are in %(currencies)s but the company's currency is "
                    "%(currency)s: they were recorded as they are, without conversion.",
                    currencies=", ".join(foreign),
                    currency=company_currency,
                )
            )

    @api.model
    def _history_changed(self, record, values):
        for name in HISTORY_COMPARED:
            current = record[name]
            if isinstance(current, models.BaseModel):
                current = current.id or False
            wanted = values[name]
            if isinstance(current, float):
                if abs(current - (wanted or 0.0)) > 0.005:
                    return True
            elif (current or False) != (wanted or False):
                return True
        return False

    # ------------------------------------------------------------------ stock

    @api.model
    def _account(self, level):
        """The balance account a level belongs to: "101.00" and "101" are the same stock."""
        return (level.account or "").split(".")[0]

    @api.model
    def _stock_targets(self, company, location, accounts):
        """On-hand per product at the location as the imported levels state it: for each
        account, the levels of its latest date, added up over the accounts."""
        Level = self.env["purchase.forecast.stock.level"].sudo()
        base = Domain(
            [
                ("company_id", "=", company.id),
                ("location_id", "=", location.id),
                ("account", "in", list(accounts)),
                ("has_quantity", "=", True),
            ]
        )
        targets = defaultdict(float)
        for account, latest in Level._read_group(base, ["account"], ["date:max"]):
            for product, quantity in Level._read_group(
                base & Domain([("account", "=", account), ("date", "=", latest)]),
                ["product_id"],
                ["quantity:sum"],
            ):
                targets[product.id] += quantity
        return targets

    @api.model
    def _write_stock(self, result, options, log, products, item_by_row, stats, notes):
        Level = self.env["purchase.forecast.stock.level"].sudo()
        company = options.company
        warehouse = options.warehouse
        location = warehouse.lot_stock_id
        if not location:
            raise UserError(
                self.env._(
                    "%(file)s holds stock levels but company %(company)s has no warehouse to "
                    "put them in: create a warehouse first.",
                    file=result.filename,
                    company=company.name,
                )
            )
        levels = {}
        for level in result.stock_levels:
            product = products[item_by_row[level.row]]
            account = self._account(level)
            day = self._shift(level.date, options)
            entry = levels.setdefault(
                (account, day, product.id),
                {
                    "quantity": 0.0,
                    "value": 0.0,
                    "row_count": 0,
                    "has_quantity": True,
                    **dict.fromkeys(MOVEMENT_FIELDS, 0.0),
                    "has_movements": level.opening_value is not None,
                    "period_start": self._shift(level.period_start, options)
                    if level.period_start
                    else False,
                },
            )
            entry["quantity"] += level.quantity or 0.0
            entry["value"] += level.value or 0.0
            entry["row_count"] += 1
            entry["has_quantity"] = entry["has_quantity"] and level.quantity is not None
            for name in MOVEMENT_FIELDS:
                entry[name] += getattr(level, name) or 0.0
        self._fill_costs(levels, company, stats)
        snapshots = {(account, day) for account, day, _product in levels}
        accounts = {account for account, _day in snapshots}
        before = self._stock_targets(company, location, accounts)
        existing = Level.search(
            [
                ("company_id", "=", company.id),
                ("location_id", "=", location.id),
                ("account", "in", list(accounts)),
                ("date", "in", list({day for _account, day in snapshots})),
            ]
        )
        current = {}
        obsolete = Level
        for record in existing:
            identity = (record.account or "", record.date, record.product_id.id)
            if (identity[0], identity[1]) not in snapshots:
                continue
            if identity in levels:
                current[identity] = record
            else:
                obsolete |= record  # the newer file of this account and date lists it no more
        stats["removed"] += len(obsolete)
        obsolete.unlink()
        to_create = []
        Product = self.env["product.product"]
        for identity, entry in levels.items():
            account, day, product_id = identity
            values = {
                "quantity": round(entry["quantity"], 6),
                "value": round(entry["value"], 2),
                "row_count": entry["row_count"],
                "has_quantity": entry["has_quantity"],
                "has_movements": entry["has_movements"],
                "period_start": entry["period_start"],
                **{
                    name: round(entry[name], 2 if name.endswith("_value") else 6)
                    for name in MOVEMENT_FIELDS
                },
            }
            record = current.get(identity)
            if record is None:
                to_create.append(
                    {
                        **values,
                        "company_id": company.id,
                        "product_id": product_id,
                        "warehouse_id": warehouse.id,
                        "location_id": location.id,
                        "account": account,
                        "date": day,
                        "key": Level._level_key(location, account, Product.browse(product_id), day),
                        "import_id": log.id,
                    }
                )
            elif (
                abs(record.quantity - values["quantity"]) > 1e-6
                or abs(record.value - values["value"]) > 0.005
                or record.row_count != values["row_count"]
                or record.has_quantity != values["has_quantity"]
                or record.has_movements != values["has_movements"]
                or any(abs(record[name] - values[name]) > 1e-6 for name in MOVEMENT_FIELDS)
            ):
                record.write({**values, "import_id": log.id})
                stats["updated"] += 1
            else:
                stats["unchanged"] += 1
        Level.create(to_create)
        stats["created"] += len(to_create)
        after = self._stock_targets(company, location, accounts)
        changes = {
            product_id: after.get(product_id, 0.0) - before.get(product_id, 0.0)
            for product_id in set(before) | set(after)
        }
        changes = {pid: delta for pid, delta in changes.items() if abs(delta) > 1e-9}
        if changes:
            self._set_on_hand(changes, location, options, log, stats, notes)

    @api.model
    def _fill_costs(self, levels, company, stats):
        """A product without a cost gets the book value per unit of its latest level, so that
        plans and valuations show real money (the sheets value each item)."""
        latest = {}
        for (_account, day, product_id), entry in levels.items():
            if entry["quantity"] > 0 and entry["value"] > 0:
                if product_id not in latest or day > latest[product_id][0]:
                    latest[product_id] = (day, entry["value"] / entry["quantity"])
        products = self.env["product.product"].sudo().with_company(company).browse(list(latest))
        for product in products.filtered(lambda p: not p.standard_price):
            product.standard_price = round(latest[product.id][1], 2)
            stats["product_updated"] += 1

    @api.model
    def _set_on_hand(self, changes, location, options, log, stats, notes):
        """Move each product's counted quantity by the change in its imported level, and apply
        the count as an inventory adjustment when asked.

        Only the change is carried over, never the level itself: stock Odoo moved since an
        earlier import stays counted, and importing a file again changes nothing."""
        Quant = self.env["stock.quant"].sudo()
        products = self.env["product.product"].sudo().browse(list(changes))
        storable = products.filtered("is_storable")
        untracked = products - storable
        if untracked:
            notes.append(
                self.env._(
                    "%(count)s products are not tracked in stock (e.g. %(product)s): their "
                    "imported levels are kept, but no on-hand quantity was set for them.",
                    count=len(untracked),
                    product=untracked[0].display_name,
                )
            )
        quants = Quant.search(
            [
                ("product_id", "in", storable.ids),
                ("location_id", "=", location.id),
                ("lot_id", "=", False),
                ("package_id", "=", False),
                ("owner_id", "=", False),
            ]
        )
        by_product = {}
        for quant in quants:
            by_product.setdefault(quant.product_id.id, quant)
        touched = Quant
        to_create = []
        for product in storable:
            quant = by_product.get(product.id)
            if quant:
                base = quant.inventory_quantity if quant.inventory_quantity_set else quant.quantity
                counted = max(base + changes[product.id], 0.0)
                quant.write({"inventory_quantity": counted, "inventory_quantity_set": True})
                touched |= quant
            else:
                to_create.append(
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "inventory_quantity": max(changes[product.id], 0.0),
                        "inventory_quantity_set": True,
                    }
                )
        touched |= Quant.create(to_create)
        stats["quants"] += len(touched)
        if options.apply_inventory and touched:
            differing = touched.filtered(
                lambda q: q.product_uom_id.compare(q.inventory_quantity, q.quantity) != 0
            )
            (touched - differing).action_clear_inventory_quantity()
            differing.with_context(
                forecast_import_id=log.id,
                inventory_name=self.env._("Import: %(file)s", file=log.filename),
            )._apply_inventory()

    # ------------------------------------------------------------------ entry points

    @api.model
    def _preview(self, result, options):
        """What importing would do, written nowhere: the numbers the wizard shows."""
        company = options.company
        plan = self._plan_products(result, company)
        History = self.env["purchase.forecast.history"].sudo()
        keys = [record.key for record in result.demand]
        existing = History.search_count([("company_id", "=", company.id), ("key", "in", keys)])
        category_codes = [category.code for category in result.categories]
        known_categories = (
            self.env["product.category"].sudo().search_count([("kpgz_code", "in", category_codes)])
        )
        summary = result.summary
        separate = options.uncertain_action == "create"
        reconciliation = None
        if result.kind == importers.TURNOVER_SHEET:
            reconciliation = {
                "closing_value": summary.get("closing_value"),
                "sheet_closing_value": summary.get("sheet_closing_value"),
                "closing_quantity": summary.get("closing_quantity"),
                "sheet_closing_quantity": summary.get("sheet_closing_quantity"),
            }
        return {
            "kind": result.kind,
            "summary": self._summary_lines(result),
            "skipped": [
                (row.row, self._message(row.reason.template, row.reason.params))
                for row in result.skipped[:MAX_LISTED]
            ],
            "skipped_total": len(result.skipped),
            "warnings": [self._message(m.template, m.params) for m in result.warnings],
            "products": {
                "total": len(result.products),
                "linked": len(plan.links),
                "by_code": plan.count("code"),
                "by_name": plan.count("name") - (len(plan.uncertain_by_name) if separate else 0),
                "create": plan.to_create + (len(plan.uncertain_by_name) if separate else 0),
                "create_names": [
                    item.name
                    for item in result.products
                    if item.key in plan.matches and plan.matches[item.key].candidate_id is None
                ][:MAX_LISTED],
                "uncertain": [
                    {
                        "name": item.name,
                        "product": match.candidate_name,
                        "product_id": match.candidate_id,
                        "score": round(match.score, 1),
                    }
                    for item, match in plan.uncertain[:MAX_LISTED]
                ],
                "uncertain_total": len(plan.uncertain),
                "uncertain_action": options.uncertain_action,
            },
            "records": {
                "demand": len(result.demand),
                "demand_new": len(set(keys)) - existing,
                "demand_existing": existing,
                "stock_levels": len(result.stock_levels),
                "catalog_items": len(result.catalog_items),
            },
            "categories": {
                "total": len(category_codes),
                "create": len(category_codes) - known_categories,
            },
            "vendors": len(result.vendors),
            "reconciliation": reconciliation,
        }

    @api.model
    def _import(self, result, options, log=None):
        """Write a parsed file for a company; returns its purchase.forecast.import.log (the
        given one, for a background import, else a new one).

        Runs in the caller's transaction: the caller makes it atomic (a savepoint)."""
        company = options.company
        values = {
            "company_id": company.id,
            "user_id": self.env.uid,
            "filename": result.filename or "-",
            "file_hash": result.file_hash,
            "kind": result.kind,
            "warehouse_id": options.warehouse.id or False,
            "apply_inventory": options.apply_inventory,
            "date_shift_years": options.date_shift_years,
        }
        Log = self.env["purchase.forecast.import.log"].sudo()
        if log:
            log = log.sudo()
            log.write(values)
        else:
            log = Log.create(values)
        stats = defaultdict(int)
        notes = []
        categories = self._write_categories(result, stats)
        products = self._write_products(result, options, log, categories, stats)
        item_by_row = {row: item.key for item in result.products for row in item.rows}
        vendor_cache = {}
        for vendor in result.vendors:
            self._vendor(company, vendor.inn, vendor.name, vendor_cache, stats, notes)
        if result.demand:
            self._write_history(
                result, options, log, products, item_by_row, vendor_cache, stats, notes
            )
        if result.stock_levels:
            self._write_stock(result, options, log, products, item_by_row, stats, notes)
        log.write(self._log_values(result, stats, notes))
        _logger.info(
            "Imported %s (%s) for company %s: %s created, %s updated, %s unchanged, %s products "
            "created",
            log.filename,
            result.kind,
            company.name,
            stats["created"],
            stats["updated"],
            stats["unchanged"],
            stats["product_created"],
        )
        return log

    @api.model
    def _log_values(self, result, stats, notes):
        summary = result.summary
        warnings = [self._message(m.template, m.params) for m in result.warnings] + notes
        skipped = [
            self.env._(
                "Line %(row)s: %(reason)s",
                row=row.row,
                reason=self._message(row.reason.template, row.reason.params),
            )
            for row in result.skipped[:MAX_LISTED]
        ]
        if len(result.skipped) > MAX_LISTED:
            skipped.append(
                self.env._("... and %(count)s more.", count=len(result.skipped) - MAX_LISTED)
            )
        values = {
            "created_count": stats["created"],
            "updated_count": stats["updated"],
            "unchanged_count": stats["unchanged"],
            "removed_count": stats["removed"],
            "skipped_count": len(result.skipped),
            "product_created_count": stats["product_created"],
            "product_matched_count": stats["product_matched"],
            "product_linked_count": stats["product_linked"],
            "product_updated_count": stats["product_updated"],
            "uncertain_count": stats["uncertain"],
            "category_created_count": stats["category_created"],
            "vendor_created_count": stats["vendor_created"],
            "vendor_matched_count": stats["vendor_matched"],
            "quant_count": stats["quants"],
            "summary": self._json_summary(summary),
            "summary_text": "\n".join(
                f"{label}: {value}" for label, value in self._summary_lines(result)
            ),
            "warning_text": "\n".join(warnings) or False,
            "skipped_text": "\n".join(skipped) or False,
        }
        if result.kind == importers.TURNOVER_SHEET:
            values.update(
                {
                    "account": summary.get("account") or False,
                    "period_start": summary.get("period_start") or False,
                    "period_end": summary.get("period_end") or False,
                    "closing_value": summary.get("closing_value") or 0.0,
                    "sheet_closing_value": summary.get("sheet_closing_value") or 0.0,
                    "closing_quantity": summary.get("closing_quantity") or 0.0,
                    "sheet_closing_quantity": summary.get("sheet_closing_quantity") or 0.0,
                }
            )
        return values

    @api.model
    def _options(self, company, warehouse=None, **values):
        warehouse = warehouse or self.env["stock.warehouse"].sudo().search(
            [("company_id", "=", company.id)], limit=1
        )
        return ImportOptions(company=company, warehouse=warehouse, **values)
