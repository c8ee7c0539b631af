from odoo import api, fields, models


class PurchaseForecastImportColumn(models.TransientModel):
    """A column of an uploaded generic file, offered in the column mapping step."""

    _name = "purchase.forecast.import.column"
    _description = "Column of an Imported File"
    _order = "sequence, id"

    wizard_id = fields.Many2one("purchase.forecast.import", required=True, ondelete="cascade")
    sequence = fields.Integer()
    name = fields.Char(string="Header", required=True)
    sample = fields.Char(help="The first values under this header.")

    @api.depends("name", "sample")
    def _compute_display_name(self):
        for column in self:
            column.display_name = (
                f"{column.name} ({column.sample})" if column.sample else column.name
            )
