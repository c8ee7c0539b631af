"""The two entry points: detect() what a file is, parse() it into records."""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import hashlib

from . import catalog, contracts, generic, stock_listing, turnover
from .messages import ImportFileError, Message, _
from .reader import Source
from .records import (
    CATALOG,
    CONTRACT_REGISTER,
    GENERIC,
    KIND_LABELS,
    KINDS,
    STOCK_LISTING,
    TURNOVER_SHEET,
    Detection,
    ParseResult,
)

# most specific first: a turnover sheet also has a header a generic file could match
SNIFFERS = (
    (TURNOVER_SHEET, turnover.sniff),
    (CONTRACT_REGISTER, contracts.sniff),
    (CATALOG, catalog.sniff),
    (STOCK_LISTING, stock_listing.sniff),
)


def _detect(source: Source) -> Detection | None:
    extra = {"encoding": source.encoding, "delimiter": source.delimiter}
    for sheet in source.sheets:
        head = sheet.head()
        for kind, sniff in SNIFFERS:
            found = sniff(head)
            if found:
                row, evidence = found
                if sheet.name is not None:
                    evidence.insert(0, Message(_("Sheet '%(sheet)s'."), {"sheet": sheet.name}))
                others = [s.name for s in source.sheets if s is not sheet]
                if others:
                    evidence.append(
                        Message(
                            _("Other sheets are not read: %(sheets)s."),
                            {"sheets": ", ".join(others)},
                        )
                    )
                return Detection(kind, source.file_format, sheet.name, row, evidence, **extra)
    for sheet in source.sheets:
        found = generic.sniff(sheet.head())
        if found:
            row, evidence = found
            return Detection(GENERIC, source.file_format, sheet.name, row, evidence, **extra)
    return None


def _unrecognised(source: Source) -> ImportFileError:
    sheet = source.sheets[0] if source.sheets else None
    headers = ""
    if sheet is not None:
        for row in sheet.head(20):
            cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
            if len(cells) >= 2:
                headers = ", ".join(cells[:8])
                break
    return ImportFileError(
        _(
            "%(filename)s was not recognised: it is not a contract register, a 1C turnover "
            "sheet, a stock listing, a KPGZ/SPGZ/STE catalog, nor a table with date, product and "
            "quantity or amount columns (first headers found: %(headers)s). Map its columns "
            "by hand to import it as a generic file."
        ),
        filename=source.filename,
        headers=headers or "-",
    )


def detect(filename: str, content: bytes) -> Detection:
    """Recognise the kind of file by its content (sheet names, header texts), with evidence.

    Raises ImportFileError for unreadable, empty, password-protected, truncated or
    unrecognised files."""
    with Source(content, filename) as source:
        detection = _detect(source)
        if detection is None:
            raise _unrecognised(source)
        return detection


def parse(
    content: bytes,
    filename: str,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ParseResult:
    """Parse a file into typed records; nothing is written anywhere.

    ``kind`` is detected when None. ``mapping`` ({field: header}) is used for generic files;
    when it is None for a generic file, guess_mapping() is used. Raises ImportFileError when
    the file cannot be imported as a whole (damaged, wrong kind, not reconciling); rows that
    cannot be read are listed in ``result.skipped`` with the reason instead.
    """
    if kind is not None and kind not in KINDS:
        raise ImportFileError(_("Unknown file kind '%(kind)s'."), kind=kind)
    with Source(content, filename) as source:
        detection = _detect(source)
        if kind is None:
            if detection is None:
                if not mapping:
                    raise _unrecognised(source)
                kind = GENERIC
            else:
                kind = detection.kind
        if detection is None or detection.kind != kind:
            detection = _forced(source, kind, mapping)
        sheet = next(s for s in source.sheets if s.name == detection.sheet)
        result = ParseResult(
            kind=kind,
            filename=filename,
            file_hash=hashlib.sha256(content).hexdigest(),
            detection=detection,
        )
        if kind == CONTRACT_REGISTER:
            contracts.parse(sheet, detection.header_row, result)
        elif kind == TURNOVER_SHEET:
            turnover.parse(sheet, detection.header_row, result)
        elif kind == STOCK_LISTING:
            stock_listing.parse(sheet, detection.header_row, result)
        elif kind == CATALOG:
            catalog.parse(sheet, detection.header_row, result)
        else:
            used = mapping or generic.guess_mapping(sheet.rows[detection.header_row - 1])
            generic.parse(sheet, detection.header_row, result, used)
        result.summary.setdefault("rows_skipped", len(result.skipped))
        return result


def _forced(source: Source, kind: str, mapping: dict[str, str] | None) -> Detection:
    """The sheet and header row for a kind the caller insists on."""
    extra = {"encoding": source.encoding, "delimiter": source.delimiter}
    if kind == GENERIC:
        for sheet in source.sheets:
            if mapping:
                row = generic.find_header(sheet.head(), mapping)
                evidence = [Message(_("Columns mapped by hand."))]
            else:
                found = generic.sniff(sheet.head())
                row, evidence = found if found else (None, [])
            if row:
                return Detection(kind, source.file_format, sheet.name, row, evidence, **extra)
        if mapping:
            raise ImportFileError(
                _("No header row with the mapped columns %(columns)s was found in %(filename)s."),
                filename=source.filename,
                columns=", ".join(f"'{v}'" for v in mapping.values() if v),
            )
        raise ImportFileError(
            _(
                "No header row with date, product and quantity or amount columns was found in "
                "%(filename)s; map its columns by hand."
            ),
            filename=source.filename,
        )
    sniff = dict(SNIFFERS)[kind]
    loose = {CONTRACT_REGISTER: contracts.sniff, CATALOG: catalog.sniff}
    for sheet in source.sheets:
        found = sniff(sheet.head())
        if not found and kind in loose:
            found = loose[kind](sheet.head(), strict=False)
        if found:
            row, evidence = found
            return Detection(kind, source.file_format, sheet.name, row, evidence, **extra)
    raise ImportFileError(
        _("%(filename)s is not a %(kind)s: none of its sheets has the expected title or headers."),
        filename=source.filename,
        kind=KIND_LABELS[kind],
    )
