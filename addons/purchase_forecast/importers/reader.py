"""Open an uploaded file (XLSX or CSV) as sheets of value rows, with clear errors.

Row numbers are 1-based, as a spreadsheet shows them (for CSV: the line number). Anything
that goes wrong inside openpyxl, zipfile or the XML parser becomes an ImportFileError.

Hostile or damaged files are refused before they cost time or memory: uploads above
``MAX_FILE_BYTES``; workbooks whose members unpack to more than ``MAX_UNPACKED_BYTES``
(checked in the ZIP directory before anything is read); sheets of more than ``MAX_ROWS``
rows or more than ``MAX_CELLS`` cells; cells longer than ``MAX_CELL_CHARS`` (just below
Excel's 32,767, at which the XLSX reader cuts longer cells). CSV files are checked for
an unbalanced quote (which would swallow the lines up to the next quote), for lines in
another encoding than the rest, and for a comma that is both the delimiter and the decimal
separator.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from collections import Counter

from .common import listed
from .messages import ImportFileError, _
from .values import row_is_blank

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
CSV_DELIMITERS = (";", "\t", ",")
HEAD_ROWS = 40
# a ZIP archive starts with a local file header (or, empty, with the end of its directory)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# limits (README "Importing procurement data", docs/importers.md): the real files are at most
# 1 MB and unpack to 15 MB with 23,000 rows
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
MAX_CELL_CHARS = 32_000
MAX_CELLS = 20_000_000

# a number grouped in thousands by commas ("1,234", "12,345,678.5"): in a file whose decimal
# separator is the point, the commas only group digits
_COMMA_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_POINT_DECIMAL = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)\.\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:[.\s\u00a0]\d{3})+),\d+$")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_DIGITS = re.compile(r"^[+-]?\d+$")


class Sheet:
    """One sheet (or the CSV file) and its rows of values, read on demand."""

    def __init__(self, source: Source, name: str | None):
        self.source = source
        self.name = name
        self._rows: list[tuple] | None = None

    def head(self, count: int = HEAD_ROWS) -> list[tuple]:
        """The first ``count`` rows (row i is sheet row i + 1)."""
        if self._rows is not None:
            return self._rows[:count]
        return self.source._read(self.name, count)

    @property
    def rows(self) -> list[tuple]:
        """All rows; row i is sheet row i + 1. Blank rows are empty tuples or all None."""
        if self._rows is None:
            self._rows = self.source._read(self.name, None)
        return self._rows


class Source:
    """An uploaded file opened for reading; use as a context manager."""

    def __init__(self, content: bytes, filename: str):
        self.content = content
        self.filename = filename or ""
        self.file_format: str = ""
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self._workbook = None
        self._csv_rows: list[tuple] | None = None
        self.sheets: list[Sheet] = []
        self._open()

    # -- opening -------------------------------------------------------------------------
    def _open(self) -> None:
        content = self.content
        if not isinstance(content, (bytes, bytearray)):
            raise ImportFileError(_("The file content must be bytes."))
        if not content.strip():
            raise ImportFileError(_("The file %(filename)s is empty."), filename=self.filename)
        if len(content) > MAX_FILE_BYTES:
            raise ImportFileError(
                _(
                    "%(filename)s is too large to import (%(size)s MB; at most %(limit)s MB). "
                    "Split it into smaller files."
                ),
                filename=self.filename,
                size=round(len(content) / 1024 / 1024, 1),
                limit=MAX_FILE_BYTES // 1024 // 1024,
            )
        if content.startswith(OLE_MAGIC):
            if ENCRYPTED_STREAM in content:
                raise ImportFileError(
                    _(
                        "The workbook %(filename)s is password-protected. Open it in Excel, "
                        "remove the password and upload it again."
                    ),
                    filename=self.filename,
                )
            raise ImportFileError(
                _(
                    "%(filename)s is an old Excel 97-2003 (.xls) workbook, which cannot be "
                    "read. Save it as .xlsx or CSV and upload it again."
                ),
                filename=self.filename,
            )
        if content.startswith(ZIP_MAGIC):
            self._open_xlsx()
        else:
            self._open_csv()

    def _open_xlsx(self) -> None:
        import openpyxl

        self.file_format = "xlsx"
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.content))
            names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ImportFileError(
                _(
                    "%(filename)s is damaged or truncated: it is not a complete Excel "
                    "workbook (%(detail)s). Upload the original file again."
                ),
                filename=self.filename,
                detail=str(error),
            ) from error
        self._check_unpacked_size(archive)
        if "xl/workbook.xml" not in names:
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise ImportFileError(
                    _(
                        "%(filename)s is an OpenDocument spreadsheet; save it as .xlsx or "
                        "CSV and upload it again."
                    ),
                    filename=self.filename,
                )
            raise ImportFileError(
                _("%(filename)s is a ZIP archive but not an Excel workbook."),
                filename=self.filename,
            )
        try:
            self._workbook = openpyxl.load_workbook(
                io.BytesIO(self.content), read_only=True, data_only=True
            )
            titles = list(self._workbook.sheetnames)
        except Exception as error:
            raise self._damaged(error) from error
        self.sheets = [Sheet(self, title) for title in titles]

    def _check_unpacked_size(self, archive: zipfile.ZipFile) -> None:
        """Refuse a workbook that would unpack to more than MAX_UNPACKED_BYTES (a "ZIP
        bomb", or a cell of hundreds of megabytes), from the sizes its ZIP directory
        declares; zipfile refuses to unpack a member beyond its declared size."""
        unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportFileError(
                _(
                    "%(filename)s unpacks to %(size)s MB, more than the %(limit)s MB a workbook "
                    "may hold here: it is not read. Split it or save it as CSV."
                ),
                filename=self.filename,
                size=round(unpacked / 1024 / 1024, 1),
                limit=MAX_UNPACKED_BYTES // 1024 // 1024,
            )

    def _damaged(self, error: Exception) -> ImportFileError:
        return ImportFileError(
            _(
                "%(filename)s is damaged or truncated and cannot be read (%(detail)s). "
                "Upload the original file again."
            ),
            filename=self.filename,
            detail=f"{type(error).__name__}: {error}"[:200],
        )

    def _open_csv(self) -> None:
        self.file_format = "csv"
        decoded = self._decode()
        lines = decoded.splitlines()
        self.delimiter = _sniff_delimiter(lines)
        try:
            reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=self.delimiter)
            rows = []
            for row in reader:
                rows.append((reader.line_num, row))
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    _(
                        "%(filename)s has a cell longer than %(limit)s characters starting at "
                        "line %(line)s (an unbalanced quote?); it cannot be read."
                    ),
                    row=reader.line_num,
                    filename=self.filename,
                    limit=csv.field_size_limit(),
                    line=reader.line_num,
                ) from error
            raise ImportFileError(
                _("%(filename)s is not a valid CSV file (%(detail)s)."),
                filename=self.filename,
                detail=str(error),
            ) from error
        self._check_csv_cells(rows)
        grouped = _decimal_point_file(rows, self.delimiter)
        self._csv_rows = [tuple(_csv_cell(cell, grouped) for cell in row) for _line, row in rows]
        # decimal commas widen lines too: named first, before they pass for a quote problem
        self._check_decimal_commas()
        self._check_quotes(rows)
        self.sheets = [Sheet(self, None)]

    def _decode(self) -> str:
        """The text of a CSV file: UTF-16 with its BOM, UTF-8 or Windows-1251, in one encoding
        for the whole file."""
        content = self.content
        if content.startswith(UTF16_BOMS):
            try:
                decoded = content.decode("utf-16")
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    _(
                        "%(filename)s starts as a UTF-16 text file but is damaged "
                        "(%(detail)s). Save it again as CSV (UTF-8) and upload it."
                    ),
                    filename=self.filename,
                    detail=str(error)[:200],
                ) from error
            self.encoding = "utf-16"
            return decoded.lstrip("\ufeff")
        if b"\x00" in content[:65536]:
            raise ImportFileError(
                _(
                    "%(filename)s is neither an Excel workbook (.xlsx) nor a text (CSV) file "
                    "and cannot be read."
                ),
                filename=self.filename,
            )
        if _is_utf8(content):
            self.encoding = "utf-8"
            return content.decode("utf-8-sig")
        utf8_lines = [
            number
            for number, line in enumerate(content.splitlines(), 1)
            if not line.isascii() and _is_utf8(line)
        ]
        if utf8_lines:
            raise ImportFileError(
                _(
                    "%(filename)s mixes encodings: lines %(lines)s are in UTF-8, other lines "
                    "are not. Save the whole file in one encoding (UTF-8) and upload it again."
                ),
                row=utf8_lines[0],
                filename=self.filename,
                lines=listed(utf8_lines),
            )
        try:
            decoded = content.decode("cp1251")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("%(filename)s is not encoded in UTF-8 or Windows-1251 and cannot be read."),
                filename=self.filename,
            ) from error
        self.encoding = "cp1251"
        return decoded

    def _check_quotes(self, rows: list[tuple[int, list[str]]]) -> None:
        """An opening quote without its closing one makes the lines up to the next quote one
        cell: a cell over several lines holding the delimiter, in a record of another width
        than the file's usual one (or holding the delimiter on several of its lines). A
        quoted text cell over several lines (an address) passes."""
        widths = Counter(len(row) for _line, row in rows if len(row) >= 2)
        usual = widths.most_common(1)[0][0] if widths else 0
        previous = 0
        for line_num, row in rows:
            first = previous + 1
            previous = line_num
            if line_num == first:
                continue
            for cell in row:
                inner = cell.splitlines()
                split = sum(1 for part in inner[1:] if self.delimiter in part)
                if split and (len(row) != usual or split >= 2):
                    raise ImportFileError(
                        _(
                            '%(filename)s has an unbalanced quote (") at line %(line)s: lines '
                            "%(line)s to %(end)s would be read as one cell. Remove the quote or "
                            "close it, and upload the file again."
                        ),
                        row=first,
                        filename=self.filename,
                        line=first,
                        end=line_num,
                    )

    def _check_csv_cells(self, rows: list[tuple[int, list[str]]]) -> None:
        if len(rows) > MAX_ROWS:
            raise self._too_many_rows(len(rows))
        for line_num, row in rows:
            for cell in row:
                if len(cell) > MAX_CELL_CHARS:
                    raise self._too_long(line_num, len(cell))

    def _check_decimal_commas(self) -> None:
        """With the comma as delimiter, unquoted decimal commas ("1234,56") cut numbers in
        two cells: lines wider than the header whose extra cells are digits."""
        if self.delimiter != ",":
            return
        rows = [(i, row) for i, row in enumerate(self._csv_rows, 1) if not row_is_blank(row)]
        header = next((row for _i, row in rows if len(row) >= 2), None)
        if header is None:
            return
        width = len(header)
        wider = [
            i
            for i, row in rows
            if len(row) > width
            and any(
                _DIGITS.match(row[c] or "") and _DIGITS.match(row[c + 1] or "")
                for c in range(len(row) - 1)
            )
        ]
        if wider:
            raise ImportFileError(
                _(
                    "%(filename)s uses the comma both as the delimiter and as the decimal "
                    "separator: lines %(lines)s have more cells than the header, numbers such as "
                    "1234,56 are cut in two. Quote the numbers, or save the file with ';' as "
                    "the delimiter, and upload it again."
                ),
                row=wider[0],
                filename=self.filename,
                lines=listed(wider),
            )

    def _too_long(self, row: int, length: int) -> ImportFileError:
        return ImportFileError(
            _(
                "%(filename)s has a cell of %(length)s characters at line %(line)s; a cell may "
                "hold at most %(limit)s. The file is damaged or is not a data file."
            ),
            row=row,
            filename=self.filename,
            length=length,
            line=row,
            limit=MAX_CELL_CHARS,
        )

    def _too_many_cells(self, sheet: str | None) -> ImportFileError:
        return ImportFileError(
            _(
                "The sheet '%(sheet)s' of %(filename)s spans more than %(limit)s cells (rows "
                "times columns, counting empty cells up to the last used column); it is not "
                "read. Delete the unused rows and columns, or split the file."
            ),
            filename=self.filename,
            sheet=sheet or "",
            limit=MAX_CELLS,
        )

    def _too_many_rows(self, count: int) -> ImportFileError:
        return ImportFileError(
            _(
                "%(filename)s has more than %(limit)s rows (%(count)s); split it into smaller "
                "files."
            ),
            filename=self.filename,
            limit=MAX_ROWS,
            count=count,
        )

    # -- reading -------------------------------------------------------------------------
    def _read(self, name: str | None, limit: int | None) -> list[tuple]:
        if self.file_format == "csv":
            rows = self._csv_rows or []
            return rows if limit is None else rows[:limit]
        try:
            worksheet = self._workbook[name]
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet
                return []
            # the stored dimension may be wrong; read what is really there
            worksheet.reset_dimensions()
            rows = []
            cells = 0
            for values in worksheet.iter_rows(min_row=1, min_col=1, values_only=True):
                for value in values:
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise self._too_long(len(rows) + 1, len(value))
                rows.append(values)
                cells += len(values)
                if limit is not None and len(rows) >= limit:
                    break
                if len(rows) > MAX_ROWS:
                    raise self._too_many_rows(len(rows))
                if cells > MAX_CELLS:
                    raise self._too_many_cells(name)
            return rows
        except ImportFileError:
            raise
        except Exception as error:
            raise self._damaged(error) from error

    def close(self) -> None:
        if self._workbook is not None:
            # closing a damaged archive must not mask the error that brought us here
            with contextlib.suppress(Exception):
                self._workbook.close()
            self._workbook = None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decimal_point_file(rows: list[tuple[int, list[str]]], delimiter: str) -> bool:
    """Whether the file writes decimals with a point ("12.50", "1,234.56"), so that commas in
    its numbers group thousands ("1,234" = 1234). Decided by its numbers; when they show no
    decimals either way, by its delimiter (",") or an English header. A file with decimal
    commas ("12,50") keeps reading "1,234" as 1.234."""
    points = commas = 0
    for _line, row in rows:
        for cell in row:
            value = cell.strip()
            if _POINT_DECIMAL.match(value):
                points += 1
            elif _COMMA_DECIMAL.match(value) and not _COMMA_GROUPED.match(value):
                commas += 1
    if commas or points:
        return points > commas
    header = next((row for _line, row in rows if len(row) >= 2), [])
    words = " ".join(header)
    return delimiter == "," or len(_LATIN.findall(words)) > len(_CYRILLIC.findall(words))


def _csv_cell(cell: str, grouped: bool):
    value = cell.strip()
    if not value:
        return None
    if grouped and _COMMA_GROUPED.match(value):
        return value.replace(",", "")
    return value


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter (; tab ,) that splits the first lines into the most consistent columns."""
    sample = [line for line in lines[:50] if line.strip()][:20]
    best, best_score = CSV_DELIMITERS[0], (-1, -1)
    for delimiter in CSV_DELIMITERS:
        try:
            rows = list(csv.reader(sample, delimiter=delimiter))
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(1 for row in rows if len(row) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def first_nonblank_rows(rows: list[tuple], count: int) -> list[tuple[int, tuple]]:
    """(row number, row) of the first ``count`` non-blank rows."""
    found = []
    for index, row in enumerate(rows, 1):
        if row and not row_is_blank(row):
            found.append((index, row))
            if len(found) >= count:
                break
    return found
