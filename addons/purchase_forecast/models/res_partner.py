from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    gar_id = fields.Char(
        string="GAR Address ID",
        help="Id of this address in the Russian state address register (GAR/FIAS); used as "
        "the delivery address of procurement exports.",
    )
