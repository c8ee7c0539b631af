import io
import zipfile

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_import import PurchaseForecastImportCommon, turnover_rows, xlsx

TITLE = "Оборотно-сальдовая ведомость по счету 101.00 за 2 квартал 2023 г."
ITEMS = {
    "101.34": [
        ("Чайник электрический", 3000.0, 2, 1500.0, 1, 1500.0, 1),
        ("Стул офисный", 9000.0, 3, 0, 0, 3000.0, 1),
    ]
}


def _invented_issue():
    """A turnover sheet with 5 pieces of issue invented on one item, its total adjusted."""
    rows, _value, _qty = turnover_rows(TITLE, "101.00", ITEMS)
    item = next(i for i, row in enumerate(rows) if row[0] == "Стул офисный")
    total = next(i for i, row in enumerate(rows) if row[0] == "Итого")
    for index in (item + 1, total + 1):
        rows[index][13] = (rows[index][13] or 0) + 5
    return xlsx({"Лист_1": rows}), "osv_101_q2.xlsx"


def _swapped_sides():
    """The same sheet with its Дебет/Кредит labels swapped: every item's stock negative."""
    rows, _value, _qty = turnover_rows(TITLE, "101.00", ITEMS)
    sides = next(i for i, row in enumerate(rows) if "Дебет" in row)
    rows[sides] = [
        "Кредит" if v == "Дебет" else "Дебет" if v == "Кредит" else v for v in rows[sides]
    ]
    return xlsx({"Лист_1": rows}), "osv_101_q2.xlsx"


def _zip_bomb(fixture):
    """A real register with one more member that unpacks to 110 MB (a few hundred KB
    packed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(fixture)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        with target.open("xl/media/image1.bin", "w") as member:
            for _chunk in range(110):
                member.write(b"A" * (1 << 20))
    return out.getvalue(), "contracts_small.xlsx"


def _decimal_commas():
    content = b"date,name,qty,amount\n2022-01-05,Chair,1,1234,56\n2022-01-06,Desk,2,100\n"
    return content, "demand.csv"


@tagged("post_install", "-at_install")
class TestImportBadFiles(PurchaseForecastImportCommon):
    """Files refused by the importers' checks on bad input write nothing at all."""

    def test_refused_bad_files_write_nothing(self):
        """A turnover sheet with an invented issue, one with Дебет/Кредит swapped, a ZIP bomb
        and a CSV whose comma is both delimiter and decimal separator are each refused with
        their reason, and no history, product, category, stock level, quant or log is
        written."""
        cases = [
            (_invented_issue(), "do not reconcile"),
            (_swapped_sides(), "look swapped"),
            (_zip_bomb(self.fixture("contracts_small.xlsx")), "unpacks to"),
            (_decimal_commas(), "both as the delimiter and as the decimal separator"),
        ]
        before = self.record_counts()
        for (content, filename), reason in cases:
            with self.subTest(reason=reason), self.assertRaisesRegex(UserError, reason):
                self.import_file(content, filename, apply_inventory=True)
            self.assertEqual(self.record_counts(), before)
