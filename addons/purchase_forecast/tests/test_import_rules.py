import base64
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.purchase_forecast.models.purchase_forecast_importer import (
    PurchaseForecastImporter,
)

from .common_import import PurchaseForecastImportCommon, turnover_rows, xlsx


@tagged("post_install", "-at_install")
class TestImportRules(PurchaseForecastImportCommon):
    """What holds for every import: all or nothing, never twice, managers only, per company."""

    def test_file_broken_halfway_writes_nothing(self):
        """A turnover sheet cut off halfway (its total row lost) is refused with a clear
        message, and nothing at all is written: no history, product, category or log."""
        rows, _value, _qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 101.00 за 2 квартал 2023 г.",
            "101.00",
            {
                "101.34": [
                    ("Чайник электрический", 3000.0, 2, 1500.0, 1, 1500.0, 1),
                    ("Стул офисный", 9000.0, 3, 0, 0, 3000.0, 1),
                ]
            },
        )
        before = self.record_counts()
        with self.assertRaisesRegex(UserError, "no 'Итого' \\(total\\) row"):
            self.import_file(xlsx({"Лист_1": rows[: len(rows) - 2]}), "osv_101_q2.xlsx")
        self.assertEqual(self.record_counts(), before)
        truncated = self.fixture("contracts_small.xlsx")[:6000]
        with self.assertRaisesRegex(UserError, "damaged or truncated"):
            self.import_file(truncated, "contracts_small.xlsx")
        self.assertEqual(self.record_counts(), before)

    def test_error_while_writing_rolls_back_what_was_written(self):
        """When writing fails after products, categories and the log were already created,
        the import leaves nothing behind."""
        before = self.record_counts()

        def fail(*args, **kwargs):
            raise RuntimeError("disk full")

        with (
            patch.object(PurchaseForecastImporter, "_write_history", fail),
            self.assertRaisesRegex(RuntimeError, "disk full"),
        ):
            self.import_file(self.fixture("contracts_small.xlsx"), "contracts_small.xlsx")
        self.assertEqual(self.record_counts(), before)

    def test_same_file_twice_adds_nothing(self):
        """Importing the same file again creates no duplicate: the second log reports every
        record as already there and every product as linked before."""
        content = self.fixture("contracts_small.xlsx")
        first = self.import_file(content, "contracts_small.xlsx")
        after_first = self.record_counts()
        second = self.import_file(content, "contracts_small (1).xlsx")
        self.assertEqual(self.record_counts(), {**after_first, "logs": after_first["logs"] + 1})
        self.assertEqual(second.created_count, 0)
        self.assertEqual(second.updated_count, 0)
        self.assertEqual(second.unchanged_count, first.created_count)
        self.assertEqual(second.product_created_count, 0)
        self.assertEqual(second.product_linked_count, first.product_created_count)
        self.assertEqual(second.category_created_count, 0)
        self.assertEqual(second.file_hash, first.file_hash)

    def test_same_stock_file_twice_moves_nothing(self):
        """A stock file imported twice sets the on-hand quantity once."""
        rows, _value, closing_qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 101.00 за 2 квартал 2023 г.",
            "101.00",
            {"101.34": [("Стул офисный", 9000.0, 3, 0, 0, 3000.0, 1)]},
        )
        content = xlsx({"Лист_1": rows})
        first = self.import_file(content, "osv.xlsx", apply_inventory=True)
        second = self.import_file(content, "osv.xlsx", apply_inventory=True)
        chair = first.stock_level_ids.product_id
        self.assertEqual(self.on_hand(chair), closing_qty)
        self.assertEqual(len(first.move_ids), 1)
        self.assertFalse(second.move_ids)
        self.assertEqual(second.unchanged_count, 2, "one stock level, one issue")

    def test_forecast_user_cannot_import(self):
        """Importing is for Forecast Managers: a Forecast User can neither open the wizard nor
        run an import, even through the API."""
        content = self.fixture("contracts_small.xlsx")
        before = self.record_counts()
        with self.assertRaises(AccessError):
            self.wizard(content, "contracts_small.xlsx", user=self.forecast_user)
        wizard = self.wizard(content, "contracts_small.xlsx")
        with self.assertRaises(AccessError):
            wizard.with_user(self.forecast_user).action_import()
        self.assertEqual(self.record_counts(), before)

    def test_other_company_cannot_see_the_import_log(self):
        """The import log and what it imported belong to the importing company: a manager of
        another company sees none of it."""
        log = self.import_file(self.fixture("contracts_small.xlsx"), "contracts_small.xlsx")
        other = self.env["res.company"].create({"name": "Company B"})
        outsider = new_test_user(
            self.env,
            login="pf_company_b",
            groups="base.group_user,purchase_forecast.group_forecast_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        Log = self.Log.with_user(outsider)
        self.assertFalse(Log.search([]))
        with self.assertRaises(AccessError):
            Log.browse(log.id).read(["filename"])
        self.assertFalse(self.History.with_user(outsider).search([("import_id", "=", log.id)]))
        self.assertTrue(self.Log.with_user(self.forecast_manager).search([("id", "=", log.id)]))

    def test_integrator_imports_without_preview(self):
        """What a JSON-2 client does: create the wizard with the file and its name only, then
        call action_import; the kind is recognised and the log id comes back."""
        Wizard = self.env["purchase.forecast.import"].with_user(self.forecast_manager)
        wizard = Wizard.create(
            {
                "file": base64.b64encode(self.fixture("catalog_small.xlsx")),
                "filename": "catalog_small.xlsx",
            }
        )
        action = wizard.action_import()
        log = self.Log.browse(action["res_id"])
        self.assertEqual(
            (action["res_model"], action["view_mode"]), ("purchase.forecast.import.log", "form")
        )
        self.assertEqual(log.kind, "catalog")
        self.assertEqual(log.user_id, self.forecast_manager)
        self.assertGreater(log.product_created_count, 0)
        self.assertFalse(wizard.preview)

    def test_integrator_names_another_company(self):
        """A manager of two companies imports into the one the call names: its warehouse, its
        products and its log, none of it visible from the first company."""
        second = self.env["res.company"].create({"name": "Second Institution"})
        self.forecast_manager.company_ids |= second
        rows, _value, closing_qty = turnover_rows(
            "Оборотно-сальдовая ведомость по счету 101.00 за 2 квартал 2023 г.",
            "101.00",
            {"101.34": [("Стул офисный", 9000.0, 3, 0, 0, 3000.0, 1)]},
        )
        wizard = (
            self.env["purchase.forecast.import"]
            .with_user(self.forecast_manager)
            .create(
                {
                    "file": base64.b64encode(xlsx({"Лист_1": rows})),
                    "filename": "osv.xlsx",
                    "company_id": second.id,
                    "apply_inventory": True,
                }
            )
        )
        log = self.Log.browse(wizard.action_import()["res_id"])
        self.assertEqual(log.company_id, second)
        level = log.stock_level_ids
        self.assertEqual(level.warehouse_id.company_id, second)
        self.assertEqual(level.product_id.company_id, second)
        self.assertEqual(level.quantity, closing_qty)
        self.assertFalse(
            self.Log.with_user(self.forecast_manager)
            .with_context(allowed_company_ids=self.company.ids)
            .search([("id", "=", log.id)])
        )
