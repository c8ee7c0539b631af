import base64
import datetime as dt

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_import import PurchaseForecastImportCommon


def csv_bytes(*lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


@tagged("post_install", "-at_install")
class TestImportGeneric(PurchaseForecastImportCommon):
    """Spreadsheets of consumption or purchases with a date, a product and a quantity or an
    amount, in any column order and language."""

    def _upload(self, content, filename):
        """Upload a file in the wizard the way a user does: pick the file, press Next."""
        form = Form(self.env["purchase.forecast.import"].with_user(self.forecast_manager))
        form.file = base64.b64encode(content)
        form.filename = filename
        return form

    def test_guessed_columns_can_be_changed_in_the_mapping_step(self):
        """The mapping step proposes the columns it recognises; the buyer picks another
        quantity column and the rows are imported from it."""
        content = csv_bytes(
            "Дата;Наименование;Количество;Отпущено;Склад",
            "15.01.2026;Бумага офисная А4, пач;100;12;",
            "16.02.2026;Бумага офисная А4, пач;100;7;",
        )
        wizard = self._upload(content, "issues.csv").save()
        self.assertEqual(wizard.detected_kind, "generic")
        wizard.action_next()
        self.assertEqual(wizard.state, "mapping")
        self.assertEqual(wizard.map_date_id.name, "Дата")
        self.assertEqual(wizard.map_product_name_id.name, "Наименование")
        self.assertEqual(wizard.map_quantity_id.name, "Количество")
        self.assertEqual(wizard.map_quantity_id.sample, "100, 100")
        with Form(wizard) as form:
            form.map_quantity_id = wizard.column_ids.filtered(lambda c: c.name == "Отпущено")
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.preview["records"]["demand_new"], 2)
        self.assertEqual(wizard.preview["products"]["create"], 1)
        self.assertEqual(wizard.preview["products"]["create_names"], ["Бумага офисная А4, пач"])
        self.assertIn("Бумага офисная А4, пач", wizard.preview_html)
        log = self.Log.browse(wizard.action_import()["res_id"])
        records = self.History.search([("import_id", "=", log.id)], order="date")
        self.assertEqual(records.mapped("quantity"), [12.0, 7.0])
        self.assertEqual(records.mapped("date"), [dt.date(2026, 1, 15), dt.date(2026, 2, 16)])
        self.assertEqual(set(records.mapped("kind")), {"consumption"})
        self.assertEqual(records.warehouse_id, self.warehouse)

    def test_unrecognised_file_is_mapped_by_hand(self):
        """Headers nobody could guess: the wizard says the file was not recognised, the buyer
        imports it as a generic file by choosing its columns."""
        content = csv_bytes(
            "When;What;How many", "2026-03-01;Картридж HP 85A;4", "2026-04-01;Картридж HP 85A;2"
        )
        form = self._upload(content, "export.csv")
        self.assertFalse(form.detected_kind)
        self.assertIn("not recognised", form.detection_text)
        form.kind = "generic"
        wizard = form.save()
        wizard.action_next()
        self.assertFalse(wizard.map_date_id)
        with self.assertRaisesRegex(UserError, "map its columns by hand"):
            wizard.action_preview()
        columns = {column.name: column for column in wizard.column_ids}
        wizard.write(
            {
                "map_date_id": columns["When"].id,
                "map_product_name_id": columns["What"].id,
                "map_quantity_id": columns["How many"].id,
            }
        )
        log = self.Log.browse(wizard.action_import()["res_id"])
        self.assertEqual(
            sum(self.History.search([("import_id", "=", log.id)]).mapped("quantity")), 6
        )

    def test_uncertain_matches_are_listed_for_review(self):
        """Names that only resemble a product, or fit two products equally, are linked to the
        best candidate and listed for review in the preview and in the log."""
        Product = self.env["product.product"]
        paper = Product.create({"name": "Бумага офисная А4 500 листов", "type": "consu"})
        stapler = Product.create({"name": "Степлер №24", "type": "consu"})
        Product.create({"name": "Степлер №24", "type": "consu", "default_code": "ST-2"})
        pen = Product.create({"name": "Ручка шариковая синяя", "type": "consu"})
        content = csv_bytes(
            "Дата;Наименование;Количество",
            "10.01.2026;Бумага для офиса A4, 500 л.;5",
            "11.01.2026;Степлер №24;1",
            "12.01.2026;Ручка шариковая, синяя, шт.;30",
        )
        wizard = self.wizard(content, "issues.csv")
        wizard.action_preview()
        uncertain = wizard.preview["products"]["uncertain"]
        self.assertEqual(
            {(u["name"], u["product"]) for u in uncertain},
            {
                ("Бумага для офиса A4, 500 л.", "Бумага офисная А4 500 листов"),
                ("Степлер №24", "Степлер №24"),
            },
        )
        self.assertIn("Бумага для офиса A4, 500 л.", wizard.preview_html)
        log = self.Log.browse(wizard.action_import()["res_id"])
        self.assertEqual(log.uncertain_count, 2)
        review = log.product_link_ids.filtered("uncertain")
        self.assertEqual(
            set(review.mapped("source_name")), {"Бумага для офиса A4, 500 л.", "Степлер №24"}
        )
        records = self.History.search([("import_id", "=", log.id)])
        self.assertIn(paper, records.product_id)
        self.assertIn(pen, records.product_id)
        self.assertIn(stapler.name, records.product_id.mapped("name"))
        review.with_user(self.forecast_manager).action_confirm()
        self.assertFalse(log.product_link_ids.filtered("uncertain"))

    def test_rows_are_purchases_when_the_buyer_says_so(self):
        """A file of purchases (not consumption) is recorded as purchase history when the
        buyer chooses so; warehouses named by the file are used, unknown ones reported."""
        branch = self.env["stock.warehouse"].create({"name": "Branch", "code": "BRN"})
        content = csv_bytes(
            "Date;Product code;Product name;Qty;Amount;Warehouse",
            "2026-05-04;P-1;Toner;3;450.00;BRN",
            "2026-05-05;P-1;Toner;1;150.00;Nowhere",
        )
        log = self.import_file(content, "purchases.csv", demand_kind="purchase")
        records = self.History.search([("import_id", "=", log.id)], order="date")
        self.assertEqual(set(records.mapped("kind")), {"purchase"})
        self.assertEqual(records.mapped("warehouse_id"), branch | self.warehouse)
        self.assertIn("Nowhere", log.warning_text)
        self.assertEqual(records.product_id.default_code, "P-1")

    def test_unreadable_rows_are_skipped_with_their_reason(self):
        """Rows whose date or number cannot be read are skipped and listed with their line and
        reason; the other rows are imported."""
        content = csv_bytes(
            "Дата;Наименование;Количество",
            "10.01.2026;Маркер;5",
            "31.02.2026;Маркер;5",
            "12.01.2026;Маркер;пять",
        )
        log = self.import_file(content, "issues.csv")
        self.assertEqual((log.created_count, log.skipped_count), (1, 2))
        self.assertIn("Line 3", log.skipped_text)
        self.assertIn("'пять'", log.skipped_text)

    def test_similar_names_kept_apart_then_merged_after_review(self):
        """With "create a separate product", a name only similar to a product gets its own
        product and is listed with the closest one; choosing the closest one after review and
        importing again moves the history there."""
        cabinet = self.env["product.product"].create(
            {"name": "Шкаф средний широкий", "type": "consu"}
        )
        content = csv_bytes("Дата;Наименование;Количество", "10.01.2026;Шкаф средний узкий;2")
        wizard = self.wizard(content, "issues.csv", uncertain_action="create")
        wizard.action_preview()
        self.assertEqual(wizard.preview["products"]["create"], 1)
        self.assertEqual(wizard.preview["products"]["by_name"], 0)
        log = self.Log.browse(wizard.action_import()["res_id"])
        record = self.History.search([("import_id", "=", log.id)])
        self.assertNotEqual(record.product_id, cabinet)
        self.assertEqual(record.product_id.name, "Шкаф средний узкий")
        link = log.product_link_ids
        self.assertEqual((link.uncertain, link.candidate_id), (True, cabinet))
        self.assertEqual(log.uncertain_count, 1)

        link.with_user(self.forecast_manager).action_use_candidate()
        again = self.import_file(content, "issues.csv")
        self.assertEqual(record.product_id, cabinet)
        self.assertEqual((again.created_count, again.updated_count), (0, 1))
