from odoo import api, fields, models

# OKEI (Russian classifier of units of measure) codes of Odoo's standard units
STANDARD_OKEI_CODES = {
    "uom.product_uom_unit": "796",
    "uom.product_uom_dozen": "715",
    "uom.product_uom_hour": "356",
    "uom.product_uom_day": "359",
    "uom.product_uom_minute": "355",
    "uom.product_uom_millimeter": "003",
    "uom.product_uom_cm": "004",
    "uom.product_uom_meter": "006",
    "uom.product_uom_km": "008",
    "uom.product_uom_square_meter": "055",
    "uom.product_uom_milliliter": "111",
    "uom.product_uom_litre": "112",
    "uom.product_uom_cubic_meter": "113",
    "uom.product_uom_gram": "163",
    "uom.product_uom_kgm": "166",
    "uom.product_uom_ton": "168",
    "uom.product_uom_kwh": "245",
}


class UomUom(models.Model):
    _inherit = "uom.uom"

    okei_code = fields.Char(
        string="OKEI Code",
        help="Code of the unit in the Russian classifier of units of measure (OKEI), e.g. "
        "796 for pieces, 166 for kilograms; used in procurement exports.",
    )

    @api.model
    def _fill_standard_okei_codes(self):
        """Set the OKEI code of Odoo's standard units that have none (never overwrite)."""
        for xmlid, code in STANDARD_OKEI_CODES.items():
            unit = self.env.ref(xmlid, raise_if_not_found=False)
            if unit and not unit.okei_code:
                unit.okei_code = code

    def _purchase_forecast_is_count_unit(self):
        """Units and packs of units: what is counted is ordered in whole pieces."""
        unit = self.env.ref("uom.product_uom_unit")
        uom = self
        while uom:
            if uom == unit:
                return True
            uom = uom.relative_uom_id
        return False
