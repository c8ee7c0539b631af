"""Open an uploaded file (XLSX or CSV) as sheets of value rows, with clear errors.

Row numbers are 1-based, as a spreadsheet shows them (for CSV: the line number). Anything
that goes wrong inside openpyxl, zipfile or the XML parser becomes an ImportFileError.
"""

# pylint: disable=prefer-env-translation
# (pure code without an Odoo environment: `_` only marks templates for the extractor; the
# wizard translates them with self.env._ when it displays them)

from __future__ import annotations

import contextlib
import csv
import io
import zipfile

from .messages import ImportFileError, _
from .values import row_is_blank

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
CSV_DELIMITERS = (";", "\t", ",")
HEAD_ROWS = 40


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
        if content.startswith(b"PK"):
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
        head = self.content[:65536]
        if b"\x00" in head:
            raise ImportFileError(
                _(
                    "%(filename)s is neither an Excel workbook (.xlsx) nor a text (CSV) file "
                    "and cannot be read."
                ),
                filename=self.filename,
            )
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                decoded = self.content.decode(encoding)
            except UnicodeDecodeError:
                continue
            self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
            break
        else:
            raise ImportFileError(
                _("%(filename)s is not encoded in UTF-8 or Windows-1251 and cannot be read."),
                filename=self.filename,
            )
        lines = decoded.splitlines()
        self.delimiter = _sniff_delimiter(lines)
        try:
            reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=self.delimiter)
            self._csv_rows = [tuple(cell.strip() or None for cell in row) for row in reader]
        except csv.Error as error:
            raise ImportFileError(
                _("%(filename)s is not a valid CSV file (%(detail)s)."),
                filename=self.filename,
                detail=str(error),
            ) from error
        self.sheets = [Sheet(self, None)]

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
            for values in worksheet.iter_rows(min_row=1, min_col=1, values_only=True):
                rows.append(values)
                if limit is not None and len(rows) >= limit:
                    break
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
