import base64
import io
from pathlib import Path

import openpyxl

from .common import PurchaseForecastCommon

FIXTURES = Path(__file__).resolve().parent / "data"


def xlsx(sheets):
    """An .xlsx workbook in memory: {sheet title: [row, ...]} -> bytes."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def turnover_rows(title, account, subaccounts, levels=("Основные средства", "ЦМО"), wide=False):
    """Rows of a 1C turnover balance sheet laid out like the real exports.

    ``subaccounts``: {code: [(name, opening value, opening qty, debit value, debit qty,
    credit value, credit qty), ...]}; closing = opening + debit - credit. ``wide`` gives the
    18-column layout of the real 21 Q1 file. Returns (rows, closing value, closing qty)."""
    width = 18 if wide else 16
    cols = [10, 13, 14, 15, 16, 17] if wide else [10, 11, 12, 13, 14, 15]
    groups = [10, 14, 16] if wide else [10, 12, 14]

    def blank():
        return [None] * width

    def line(label, values, indicator="Сумма"):
        row = blank()
        row[0] = label
        row[9] = indicator
        for col, value in zip(cols, values, strict=True):
            row[col] = value or None
        return row

    def amounts(items):
        o, oq = sum(i[1] for i in items), sum(i[2] for i in items)
        d, dq = sum(i[3] for i in items), sum(i[4] for i in items)
        c, cq = sum(i[5] for i in items), sum(i[6] for i in items)
        return [o, 0, d, c, o + d - c, 0], [oq, 0, dq, cq, oq + dq - cq, 0]

    rows = [blank(), blank(), blank(), blank(), blank(), blank()]
    rows[0][0] = 'ГКУ "ТЕСТ"'
    rows[1][0] = title
    rows[3][0] = "Единица измерения: рубль (код по ОКЕИ 383)"
    header = rows[5]
    header[0], header[9] = "Счет", "Показатели"
    for col, label in zip(
        groups,
        ("Сальдо на начало периода", "Обороты за период", "Сальдо на конец периода"),
        strict=True,
    ):
        header[col] = label
    sides = blank()
    sides[0] = levels[0]
    for col, side in zip(cols, ("Дебет", "Кредит") * 3, strict=True):
        sides[col] = side
    rows.append(sides)
    for level in levels[1:]:
        row = blank()
        row[0] = level
        rows.append(row)
    every = [item for items in subaccounts.values() for item in items]
    value, qty = amounts(every)
    rows += [line(account, value), line(None, qty, "Кол.")]
    for code, items in subaccounts.items():
        value, qty = amounts(items)
        rows += [line(code, value), line(None, qty, "Кол.")]
        for item in items:
            value, qty = amounts([item])
            rows += [line(item[0], value), line(None, qty, "Кол.")]
            for _level in levels[1:]:
                rows += [line("Петров П. П.", value), line(None, qty, "Кол.")]
    value, qty = amounts(every)
    rows += [line("Итого", value), line(None, qty, "Кол.")]
    return rows, value[4], qty[4]


class PurchaseForecastImportCommon(PurchaseForecastCommon):
    """Helpers to upload files through the import wizard as a Forecast Manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["purchase.forecast.history"]
        cls.Log = cls.env["purchase.forecast.import.log"]
        cls.Level = cls.env["purchase.forecast.stock.level"]
        cls.Link = cls.env["purchase.forecast.product.link"]

    def record_counts(self):
        """How many records an import can write, per kind: equal before and after a refused
        import."""
        return {
            "history": self.History.search_count([]),
            "products": self.env["product.product"].search_count([]),
            "categories": self.env["product.category"].search_count([]),
            "logs": self.Log.search_count([]),
            "links": self.Link.search_count([]),
            "levels": self.Level.search_count([]),
            "quants": self.env["stock.quant"].search_count([]),
        }

    @staticmethod
    def fixture(name):
        return (FIXTURES / name).read_bytes()

    def real_file(self, name):
        """A real file of data/lct2024; the test is skipped when the data is not there."""
        folder = self.env["purchase.forecast.import"]._demo_data_dir()
        if folder is None:
            self.skipTest("data/lct2024 is not available (set PF_DEMO_DATA)")
        return (folder / name).read_bytes()

    def wizard(self, content, filename, user=None, **values):
        Wizard = self.env["purchase.forecast.import"].with_user(user or self.forecast_manager)
        return Wizard.create(
            {
                "file": base64.b64encode(content),
                "filename": filename,
                "warehouse_id": self.warehouse.id,
                **values,
            }
        )

    def import_file(self, content, filename, user=None, **values):
        """Import like an integrator (no preview); returns the import log."""
        action = self.wizard(content, filename, user=user, **values).action_import()
        self.assertEqual(action["res_model"], "purchase.forecast.import.log")
        return self.Log.browse(action["res_id"])

    def on_hand(self, product):
        return sum(
            self.env["stock.quant"]
            .search([("product_id", "=", product.id), ("location_id", "=", self.stock.id)])
            .mapped("quantity")
        )
