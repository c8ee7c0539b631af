from odoo.tests import TransactionCase, tagged

from .translation_checks import TranslationCatalogChecks


@tagged("post_install", "-at_install")
class TestTranslationCatalogs(TranslationCatalogChecks, TransactionCase):
    """purchase_forecast ships a current template and a complete, well-formed Russian
    catalog: every label, message, view text and engine or importer message is translated."""

    module = "purchase_forecast"
