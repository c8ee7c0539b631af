from odoo.tests import tagged

from .common_import import PurchaseForecastImportCommon


@tagged("post_install", "-at_install")
class TestImportCatalog(PurchaseForecastImportCommon):
    """The KPGZ / SPGZ / STE catalog (41 real rows of kpgz_spgz_ste.xlsx)."""

    def test_catalog_gives_categories_and_described_products(self):
        """KPGZ codes become a category tree; each STE becomes a purchasable product with its
        characteristics, and its reference price as cost."""
        log = self.import_file(self.fixture("catalog_small.xlsx"), "catalog_small.xlsx")
        self.assertEqual(log.kind, "catalog")
        self.assertEqual(log.created_count, 0, "a catalog holds no history")
        Category = self.env["product.category"]
        kettles = Category.search([("kpgz_code", "=", "01.20.01.03.01.01")])
        self.assertEqual(kettles.name, "Электрочайники бытовые")
        self.assertEqual(kettles.parent_id.kpgz_code, "01.20.01.03.01")
        self.assertEqual(Category.search([("kpgz_code", "=", "01")]).parent_id, Category)
        products = log.product_link_ids.product_id
        kettle = products.filtered(
            lambda p: p.categ_id == kettles and p.name.startswith("Чайник электрический")
        )
        self.assertEqual(len(kettle), 1)
        names = kettle.procurement_characteristic_ids.sorted("sequence").mapped("name")
        self.assertEqual(names[:3], ["Мощность", "Объем", "Индикатор уровня воды"])
        folder = products.filtered(lambda p: p.name == "Папка-уголок")
        self.assertEqual(folder.reference_price, 168.0)
        self.assertEqual(folder.standard_price, 168.0)
        self.assertEqual(log.product_created_count, log.product_link_count)

    def test_existing_product_is_completed_not_duplicated(self):
        """A product the company already has under the STE's name is matched, and only what it
        lacks (catalog category, reference price, cost) is filled in."""
        folder = self.env["product.product"].create({"name": "Папка-уголок", "type": "consu"})
        log = self.import_file(self.fixture("catalog_small.xlsx"), "catalog_small.xlsx")
        mine = [("name", "=", "Папка-уголок"), ("company_id", "in", [False, self.company.id])]
        self.assertEqual(self.env["product.product"].search_count(mine), 1)
        link = self.Link.search([("product_id", "=", folder.id)])
        self.assertEqual((link.match_method, link.uncertain), ("name", False))
        self.assertEqual(folder.reference_price, 168.0)
        self.assertEqual(folder.standard_price, 168.0)
        self.assertEqual(folder.categ_id.kpgz_code, "01.15.03.17.05")
        self.assertEqual(log.product_matched_count, 1)
        self.assertEqual(log.product_updated_count, 1)
