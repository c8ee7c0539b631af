"""Contract register exports (e.g. contracts_by_customer.xlsx): one demand record per line.

Rules (also in docs/importers.md):

- One row = one contract (ГК) x one catalog line (СПГЗ) -> one DemandRecord.
- Date = execution start (``Срок исполнения с``): demand materialises when delivery starts;
  when it is empty the signing date (``Дата заключения``) is used. A row with neither is
  skipped.
- Value: the contract's paid amount (``Оплачено, руб.``) when present and > 0, otherwise the
  contract price (``Цена ГК, руб.``). Both are contract-level figures that the export repeats
  on every line, so a value repeated on the lines of a contract is counted ONCE and split
  equally over its lines (kopeck remainders on the first lines): the lines of a contract
  always add up to its paid amount or price, never to that amount times the number of lines.
  When the amount is repeated on most lines but one line differs (a blank, a formula, a
  retyped "1 234,56"), the repeated amount is still split once over all lines and a warning
  names the lines that differ. Only when no amount is repeated are the lines' amounts taken
  as their own. A negative paid amount is not a payment: the price is used, with a warning.
- Amounts beyond any plausible value (``values.MAX_ABS_NUMBER``), dates outside
  1990..2100, and KPGZ codes that are not dotted digits skip their row with the reason.
- Terminated contracts (status ``Расторгнут``) are not demand: their rows are skipped with a
  reason. Completely empty rows are skipped silently (counted in the summary).
- Codes (contract number, ИКЗ, SPGZ id, KPGZ code) are read as text, never through a float.
- Quantity when the register has a quantity column (this export has none: None).
- Key: ``contract:<registry number>:<SPGZ id>:<KPGZ code>``; a line repeated with the same
  identity gets ``#2``, ``#3``... in file order.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

from collections import Counter, defaultdict

from .common import (
    CategoryCollector,
    KeyMaker,
    Notes,
    ProductCollector,
    cell,
    digest,
    find_columns,
    is_kpgz_code,
    listed,
    missing_columns,
    number_reason,
    require_columns,
    total,
    trailing_unit,
)
from .messages import Message, _
from .records import DemandRecord, ParseResult, SkippedRow, Vendor
from .values import (
    MAX_YEAR,
    MIN_YEAR,
    OutOfRange,
    code_text,
    fmt_money,
    parse_date,
    parse_numbers,
    row_is_blank,
    text,
)

KIND_LABEL = _("contract register")

COLUMNS = {
    "spgz_id": ("id спгз", "код спгз", "спгз id"),
    "spgz_name": ("наименование спгз", "спгз"),
    "contract": (
        "реестровый номер в рк",
        "реестровый номер контракта",
        "реестровый номер",
        "номер контракта",
    ),
    "ikz": ("икз", "идентификационный код закупки"),
    "status": ("статус контракта", "статус"),
    "price": ("цена гк, руб.", "цена гк", "цена контракта, руб.", "цена контракта"),
    "paid": ("оплачено, руб.", "оплачено"),
    "kpgz_code": ("конечный код кпгз", "код кпгз"),
    "kpgz_name": ("конечное наименование кпгз", "наименование кпгз"),
    "signed": ("дата заключения", "дата заключения контракта"),
    "exec_from": ("срок исполнения с", "дата начала исполнения"),
    "quantity": ("количество", "кол-во"),
    "vendor": ("поставщик", "наименование поставщика", "поставщик (наименование)"),
    "vendor_inn": ("инн поставщика", "поставщик инн", "инн"),
    "subject": ("наименование (предмет) гк", "предмет контракта"),
}
REQUIRED = ("contract", "price")
OPTIONAL = tuple(name for name in COLUMNS if name not in REQUIRED)
TERMINATED = ("расторгнут",)


def sniff(head: list[tuple], strict: bool = True) -> tuple[int, list[Message]] | None:
    """The header row of a contract register among the first rows, with the evidence.

    ``strict=False`` (the caller insists on this kind) only needs the contract number column,
    so that the parser can name the columns that are missing."""
    for index, row in enumerate(head, 1):
        columns, labels = find_columns(row, COLUMNS)
        if "contract" in columns and (
            not strict or ("price" in columns and ("spgz_id" in columns or "spgz_name" in columns))
        ):
            found = ", ".join(
                f"'{labels[f]}'" for f in ("contract", "spgz_id", "price") if f in labels
            )
            return index, [
                Message(
                    _("Line %(line)s has the contract register columns %(columns)s."),
                    {"line": index, "columns": found},
                )
            ]
    return None


def _split(amount: float, count: int) -> list[float]:
    """An amount split into ``count`` equal shares in kopecks that add up exactly."""
    kopecks = round(amount * 100)
    base, remainder = divmod(kopecks, count)
    return [(base + (1 if i < remainder else 0)) / 100 for i in range(count)]


def _uniform(values: list[float | None]) -> bool:
    rounded = {None if v is None else round(v, 2) for v in values}
    return len(rounded) == 1


def _level(values: list[float | None]) -> float | None:
    """The contract-level amount among the lines' values: the value that more than half of
    the lines (and at least two) carry, or the value of a contract's single line."""
    if len(values) == 1:
        return values[0]
    counts = Counter(round(v, 2) for v in values if v is not None)
    if not counts:
        return None
    value, count = counts.most_common(1)[0]
    return value if count >= 2 and 2 * count > len(values) else None


def _odd(values: list[float | None], level: float) -> list[int]:
    return [i for i, v in enumerate(values) if v is None or round(v, 2) != level]


def line_values(lines: list[dict], odd: list[int] | None = None) -> list[tuple[float | None, str]]:
    """(value, source) for each line of one contract; see the module docstring.

    The indexes of lines whose amount differs from the contract-level amount that was split
    over all lines are appended to ``odd``."""
    paid = [
        line["paid"] if line["paid"] is not None and line["paid"] > 0 else None for line in lines
    ]
    price = [line["price"] for line in lines]
    count = len(lines)
    odd = [] if odd is None else odd
    if all(p is None for p in paid):
        if _uniform(price) and price[0] is None:
            return [(None, "price")] * count
        level = _level(price)
        if level is None:
            return [(p, "line") for p in price]
        odd.extend(_odd(price, level))
        return [(v, "price") for v in _split(level, count)]
    level = _level(paid)
    if level is not None:
        odd.extend(_odd(paid, level))
        return [(v, "paid") for v in _split(level, count)]
    # the lines carry their own paid amounts; lines without one share what is left of a
    # contract-level price, or take their own price when prices are per line too
    result: list[tuple[float | None, str]] = [
        (p, "line") if p is not None else (None, "") for p in paid
    ]
    unpaid = [i for i, (value, _source) in enumerate(result) if value is None]
    if unpaid:
        price_level = _level(price)
        if price_level is not None:
            rest = max(price_level - total(v for v, _s in result), 0.0)
            for i, share in zip(unpaid, _split(rest, len(unpaid)), strict=True):
                result[i] = (share, "price")
        else:
            for i in unpaid:
                result[i] = (price[i], "line")
    return result


def _odd_warning(contract: str, rows: list[int], count: int, amount) -> Message:
    return Message(
        _(
            "Contract %(contract)s: lines %(lines)s do not repeat the amount %(amount)s that its "
            "other lines carry (a blank, a formula or a retyped cell?); the amount is counted "
            "once and split over all %(count)s lines."
        ),
        {"contract": contract, "lines": listed(rows), "amount": amount, "count": count},
    )


def parse(sheet, header_row: int, result: ParseResult) -> None:
    rows = sheet.rows
    header = rows[header_row - 1]
    columns, _labels = find_columns(header, COLUMNS)
    require_columns(columns, REQUIRED, COLUMNS, KIND_LABEL, header_row)
    if "spgz_id" not in columns and "spgz_name" not in columns:
        require_columns(columns, ("spgz_id",), COLUMNS, KIND_LABEL, header_row)
    if "exec_from" not in columns and "signed" not in columns:
        require_columns(columns, ("exec_from",), COLUMNS, KIND_LABEL, header_row)
    absent = missing_columns(columns, OPTIONAL, COLUMNS, header_row)
    if absent:
        result.warnings.append(absent)
    notes = Notes()

    def skip(row_number: int, template: str, /, **params) -> None:
        result.skipped.append(SkippedRow(row_number, Message(template, params), sheet.name))

    empty = terminated = 0
    lines: list[dict] = []
    for row_number in range(header_row + 1, len(rows) + 1):
        row = rows[row_number - 1]
        if not row or row_is_blank(row):
            empty += 1
            continue
        get = lambda name, row=row: cell(row, columns.get(name))
        try:
            contract = code_text(get("contract"))
            spgz_id = code_text(get("spgz_id"))
            kpgz_code = code_text(get("kpgz_code"))
            vendor_inn = code_text(get("vendor_inn"))
        except ValueError:
            skip(
                row_number,
                _(
                    "Line %(line)s: a code (contract number, SPGZ id or KPGZ code) is stored as "
                    "a number that lost digits; store codes as text."
                ),
                line=row_number,
            )
            continue
        if not is_kpgz_code(kpgz_code):
            skip(
                row_number,
                _(
                    "Line %(line)s: '%(value)s' is not a KPGZ code (digits separated by points, "
                    "such as 01.20.01.03)."
                ),
                line=row_number,
                value=kpgz_code,
            )
            continue
        name = text(get("spgz_name"))
        status = text(get("status"))
        if not contract:
            skip(row_number, _("Line %(line)s has no contract number."), line=row_number)
            continue
        if not spgz_id and not name:
            skip(
                row_number,
                _("Line %(line)s of contract %(contract)s names no catalog item (SPGZ)."),
                line=row_number,
                contract=contract,
            )
            continue
        if status and status.strip().lower().startswith(TERMINATED):
            terminated += 1
            skip(
                row_number,
                _("Contract %(contract)s is terminated (%(status)s): not demand."),
                contract=contract,
                status=status,
            )
            continue
        try:
            date = parse_date(get("exec_from"))
            if date is None:
                date = parse_date(get("signed"))
        except OutOfRange:
            skip(
                row_number,
                _(
                    "Line %(line)s: the date '%(value)s' is outside %(first)s-%(last)s; the cell "
                    "is blank or damaged."
                ),
                line=row_number,
                value=text(get("exec_from")) or text(get("signed")),
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
            continue
        except ValueError:
            skip(
                row_number,
                _("Line %(line)s: the date '%(value)s' is not a date (dd.mm.yyyy)."),
                line=row_number,
                value=text(get("exec_from")) or text(get("signed")),
            )
            continue
        if date is None:
            skip(
                row_number,
                _(
                    "Line %(line)s of contract %(contract)s has neither an execution start nor a "
                    "signing date."
                ),
                line=row_number,
                contract=contract,
            )
            continue
        numbers, bad, error = parse_numbers(get, ("price", "paid", "quantity"))
        if bad:
            template, extra = number_reason(error)
            skip(
                row_number,
                template,
                line=row_number,
                value=text(get(bad)),
                column=COLUMNS[bad][0],
                **extra,
            )
            continue
        if numbers["paid"] is not None and numbers["paid"] < 0:
            notes.add(
                _(
                    "%(count)s lines have a negative paid amount (lines %(lines)s), which is not "
                    "a payment: their contract price is used."
                ),
                row_number,
            )
        if numbers["quantity"] is not None and numbers["quantity"] < 0:
            skip(
                row_number,
                _("Line %(line)s: the quantity %(value)s is negative."),
                line=row_number,
                value=text(get("quantity")),
            )
            continue
        try:
            ikz = code_text(get("ikz"))
        except ValueError:
            ikz = None
            notes.add(
                _(
                    "%(count)s lines have an IKZ stored as a number that lost digits (lines "
                    "%(lines)s); their IKZ is left empty. Store codes as text."
                ),
                row_number,
            )
        lines.append(
            {
                "row": row_number,
                "contract": contract,
                "spgz_id": spgz_id,
                "name": name,
                "kpgz_code": kpgz_code,
                "kpgz_name": text(get("kpgz_name")),
                "status": status,
                "date": date,
                "ikz": ikz,
                "vendor": text(get("vendor")),
                "vendor_inn": vendor_inn,
                **numbers,
            }
        )

    by_contract: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        by_contract[line["contract"]].append(line)
    values: dict[int, tuple[float | None, str]] = {}
    split_contracts = 0
    for contract, contract_lines in by_contract.items():
        odd: list[int] = []
        shares = line_values(contract_lines, odd)
        for line, value in zip(contract_lines, shares, strict=True):
            values[line["row"]] = value
        if odd:
            amount = total(v for v, _source in shares)
            result.warnings.append(
                _odd_warning(
                    contract,
                    [contract_lines[i]["row"] for i in odd],
                    len(contract_lines),
                    fmt_money(amount),
                )
            )
        if len(contract_lines) > 1 and values[contract_lines[0]["row"]][1] in ("paid", "price"):
            split_contracts += 1

    keys = KeyMaker()
    products = ProductCollector()
    categories = CategoryCollector()
    vendors: dict[tuple, Vendor] = {}
    for line in lines:
        amount, source = values[line["row"]]
        item = line["spgz_id"] or digest(line["name"] or "")
        key = keys(f"contract:{line['contract']}:{item}:{line['kpgz_code'] or ''}")
        unit = trailing_unit(line["name"])
        result.demand.append(
            DemandRecord(
                date=line["date"],
                product_code=line["spgz_id"],
                product_name=line["name"],
                quantity=line["quantity"],
                amount=amount,
                key=key,
                row=line["row"],
                category_code=line["kpgz_code"],
                category_name=line["kpgz_name"],
                vendor=line["vendor"],
                vendor_inn=line["vendor_inn"],
                document=line["contract"],
                unit=unit,
                value_source=source,
                status=line["status"],
                ikz=line["ikz"],
            )
        )
        products.add(
            f"spgz:{line['spgz_id']}" if line["spgz_id"] else f"name:{item}",
            line["row"],
            code=line["spgz_id"],
            name=line["name"] or line["spgz_id"],
            unit=unit,
            category_code=line["kpgz_code"],
            category_name=line["kpgz_name"],
            spgz_code=line["spgz_id"],
            spgz_name=line["name"],
        )
        categories.add(line["kpgz_code"], line["kpgz_name"])
        if line["vendor"] or line["vendor_inn"]:
            ident = (line["vendor_inn"] or "", line["vendor"] or "")
            vendors.setdefault(
                ident, Vendor(name=line["vendor"] or line["vendor_inn"], inn=line["vendor_inn"])
            )

    result.products = products.values()
    result.categories = categories.categories()
    result.vendors = list(vendors.values())
    data_rows = len(rows) - header_row
    result.summary.update(
        {
            "rows_read": data_rows,
            "empty_rows": empty,
            "rows_recognised": len(result.demand),
            "rows_skipped": len(result.skipped),
            "terminated_rows": terminated,
            "demand_records": len(result.demand),
            "contracts": len({d.document for d in result.demand}),
            "contracts_split": split_contracts,
            "total_amount": total(d.amount for d in result.demand),
            "total_quantity": total((d.quantity for d in result.demand), 3)
            if any(d.quantity is not None for d in result.demand)
            else None,
            "products": len(result.products),
            "categories": len(result.categories),
            "vendors": len(result.vendors),
        }
    )
    result.warnings.extend(notes.messages())
    if keys.repeated:
        result.warnings.append(
            Message(
                _(
                    "%(count)s lines repeat another line of the same contract and catalog item; "
                    "they are kept, told apart by their order in the file."
                ),
                {"count": keys.repeated},
            )
        )
