import datetime as dt

import openpyxl

from odoo.tests import tagged

from .common_import import FIXTURES, PurchaseForecastImportCommon, xlsx

REGISTER_HEADER = [
    "ID СПГЗ",
    "Наименование СПГЗ",
    "Реестровый номер в РК",
    "Статус контракта",
    "Цена ГК, руб.",
    "Оплачено, руб.",
    "Конечный код КПГЗ",
    "Конечное наименование КПГЗ",
    "Дата заключения",
    "Срок исполнения с",
    "Поставщик",
    "ИНН поставщика",
]


@tagged("post_install", "-at_install")
class TestImportContracts(PurchaseForecastImportCommon):
    """A contract register export (50 real lines cut from contracts_by_customer.xlsx)."""

    def _sheet_rows(self):
        workbook = openpyxl.load_workbook(FIXTURES / "contracts_small.xlsx", read_only=True)
        rows = list(workbook.active.iter_rows(values_only=True))
        header = rows[0]
        return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]

    def test_contract_lines_become_purchase_history(self):
        """Each line of a contract not terminated becomes one value-only purchase record dated
        at the execution start, and a contract paid once adds up to its paid amount however
        many lines it has."""
        log = self.import_file(self.fixture("contracts_small.xlsx"), "contracts_small.xlsx")
        lines = self._sheet_rows()
        kept = [line for line in lines if line["Статус контракта"] != "Расторгнут"]
        records = self.History.search([("import_id", "=", log.id)])
        self.assertEqual(len(records), len(kept))
        self.assertEqual(log.created_count, len(kept))
        self.assertEqual(log.skipped_count, len(lines) - len(kept))
        self.assertIn("2522948", log.skipped_text, "the terminated contract is listed as skipped")
        self.assertEqual(set(records.mapped("kind")), {"purchase"})
        self.assertFalse(any(records.mapped("has_quantity")), "the export has no quantities")

        board = records.filtered(lambda r: r.document_ref == "2658098")
        self.assertEqual(len(board), 4)
        self.assertAlmostEqual(sum(board.mapped("amount")), 86040.13, places=2)
        self.assertEqual(set(board.mapped("date")), {dt.date(2019, 6, 28)})

    def test_catalog_items_become_products_in_kpgz_categories(self):
        """SPGZ items become purchasable products carrying their SPGZ id, filed under their KPGZ
        category whose parents are derived from the dotted code; services are not stocked."""
        log = self.import_file(self.fixture("contracts_small.xlsx"), "contracts_small.xlsx")
        products = log.product_link_ids.product_id
        flipchart = products.filtered(lambda p: p.spgz_id == "12362871")
        self.assertEqual(flipchart.name, "Флипчарт")
        self.assertTrue(flipchart.purchase_ok)
        self.assertTrue(flipchart.is_storable)
        self.assertEqual(flipchart.kpgz_code, "01.15.05.03.01")
        category = flipchart.categ_id
        self.assertEqual(category.kpgz_code, "01.15.05.03.01")
        chain = []
        while category:
            chain.append(category.kpgz_code)
            category = category.parent_id
        self.assertEqual(chain, ["01.15.05.03.01", "01.15.05.03", "01.15.05", "01.15", "01"])
        guard = products.filtered(lambda p: p.spgz_id == "30173402")
        self.assertEqual(guard.type, "service", "KPGZ 03 is services")
        self.assertFalse(guard.is_storable)

    def test_vendors_matched_by_inn_then_name(self):
        """A supplier is found by its INN first, then by its name; an unknown one is created as
        a company with the INN as its tax id, and the contract lines point at them."""
        by_inn = self.env["res.partner"].create(
            {"name": "ООО Ромашка (old name)", "vat": "7701234567", "is_company": True}
        )
        by_name = self.env["res.partner"].create({"name": "АО Василек", "is_company": True})
        rows = [
            REGISTER_HEADER,
            [
                "101",
                "Бумага А4",
                "9001",
                "Исполнен",
                1000,
                1000,
                "01.15.01",
                "БУМАГА",
                "01.02.2022",
                "10.02.2022",
                "ООО Ромашка",
                "7701234567",
            ],
            [
                "102",
                "Скрепки",
                "9002",
                "Исполнен",
                500,
                500,
                "01.15.02",
                "СКРЕПКИ",
                "01.03.2022",
                "",
                "ао василек",
                "",
            ],
            [
                "103",
                "Степлер",
                "9003",
                "Исполнение",
                700,
                0,
                "01.15.03",
                "СТЕПЛЕРЫ",
                "01.04.2022",
                "05.04.2022",
                "ООО Новый поставщик",
                "7709876543",
            ],
        ]
        log = self.import_file(xlsx({"Выгрузка": rows}), "register.xlsx")
        records = self.History.search([("import_id", "=", log.id)])
        partner = {r.document_ref: r.partner_id for r in records}
        self.assertEqual(partner["9001"], by_inn)
        self.assertEqual(partner["9002"], by_name)
        created = partner["9003"]
        self.assertNotIn(created, by_inn | by_name)
        self.assertEqual(created.vat, "7709876543")
        self.assertTrue(created.is_company)
        self.assertEqual((log.vendor_matched_count, log.vendor_created_count), (2, 1))
        dates = {r.document_ref: r.date for r in records}
        self.assertEqual(dates["9002"], dt.date(2022, 3, 1), "no execution start: signing date")
        amounts = {r.document_ref: r.amount for r in records}
        self.assertEqual(amounts["9003"], 700.0, "nothing paid yet: the contract price counts")
