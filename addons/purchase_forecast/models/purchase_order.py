from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..procurement_json import CalculationError, characteristic, row, validate_calculation


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    procurement_lot_ref = fields.Char(
        string="Procurement Lot ID",
        copy=False,
        help="Lot id in the procurement portal (lotEntityId of the calculation export).",
    )
    purchase_plan_ids = fields.Many2many(
        "purchase.plan",
        "purchase_plan_order_rel",
        "order_id",
        "plan_id",
        string="Purchase Plans",
        copy=False,
        readonly=True,
    )

    def _purchase_plan_sync(self, plan):
        """One draft RFQ per vendor of ``plan``'s lines to order: existing drafts are updated
        rather than new ones added, what a vendor already confirmed from the plan is never
        ordered twice, and drafts of vendors dropped from the plan lose the plan's lines."""
        lines = plan.line_ids.filtered(lambda ln: ln.state == "order" and ln.quantity > 0)
        missing_vendor = lines.filtered(lambda ln: not ln.vendor_id)
        if missing_vendor:
            raise UserError(
                self.env._(
                    "Choose a vendor for: %(products)s",
                    products=", ".join(missing_vendor.product_id.mapped("display_name")[:10]),
                )
            )
        open_orders = plan.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        drafts = {order.partner_id: order for order in open_orders}
        confirmed = (plan.order_ids - open_orders).filtered(lambda o: o.state != "cancel")
        for vendor, vendor_lines in lines.grouped("vendor_id").items():
            if vendor in confirmed.partner_id:
                continue
            order = drafts.pop(vendor, None)
            if order is None:
                order = self.create(self._purchase_plan_order_values(plan, vendor))
                plan.order_ids = [Command.link(order.id)]
            vendor_lines._sync_order_lines(order)
        for order in drafts.values():
            order.order_line.filtered(lambda ln: ln.purchase_plan_id == plan).unlink()

    @api.model
    def _purchase_plan_order_values(self, plan, vendor):
        return {
            "partner_id": vendor.id,
            "company_id": plan.company_id.id,
            "user_id": plan.user_id.id,
            "origin": plan.name,
            "picking_type_id": plan.warehouse_id.in_type_id.id,
        }

    def _procurement_calculation(self):
        """This RFQ as a Moscow procurement calculation (validated), one row per line."""
        self.ensure_one()
        lines = self.order_line.filtered(lambda ln: not ln.display_type and ln.product_qty > 0)
        if not lines:
            raise UserError(self.env._("%(order)s has no lines to export.", order=self.name))
        warehouse = self.picking_type_id.warehouse_id
        delivery = self.dest_address_id or warehouse.partner_id or self.company_id.partner_id
        # the document is the same whoever exports it: the address in the partner's language
        delivery = delivery.with_context(lang=delivery.lang or self.company_id.partner_id.lang)
        start = (self.date_order or fields.Datetime.now()).date()
        rows = []
        for line in lines:
            template = line.product_id.product_tmpl_id
            uom = line.product_uom_id
            okei = uom.okei_code or line.product_id.uom_id.okei_code
            if not okei:
                raise UserError(
                    self.env._(
                        "Set the OKEI code of the unit %(unit)s (Inventory → Configuration → "
                        "Units of Measure) to export %(order)s.",
                        unit=uom.name,
                        order=self.name,
                    )
                )
            end = (line.date_planned or self.date_planned or fields.Datetime.now()).date()
            rows.append(
                row(
                    quantity=line.product_qty,
                    price=line.price_unit,
                    start=min(start, end),
                    end=end,
                    okei_code=okei,
                    entity_id=template.spgz_id or "",
                    version_id=template.spgz_version_id or "",
                    conditions=self.company_id.purchase_plan_delivery_conditions or "",
                    gar_id=delivery.gar_id or "",
                    address=delivery._display_address(without_company=True).replace("\n", ", "),
                    characteristics=[
                        characteristic(c.name, c.value or "")
                        for c in template.procurement_characteristic_ids
                    ],
                )
            )
        document = {
            "id": self.name,
            "lotEntityId": self.procurement_lot_ref or "",
            "CustomerId": self.company_id.procurement_customer_ref or "",
            "rows": rows,
        }
        try:
            validate_calculation(document)
        except CalculationError as exc:
            raise UserError(
                self.env._(
                    "The calculation of %(order)s is not valid: %(error)s",
                    order=self.name,
                    error=str(exc),
                )
            ) from exc
        return document

    def action_export_procurement_json(self):
        self.ensure_one()
        self._procurement_calculation()  # refuse here, with the reason, rather than download
        return {
            "type": "ir.actions.act_url",
            "url": f"/purchase_forecast/rfq/{self.id}/calculation.json",
            "target": "self",
        }


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    purchase_plan_id = fields.Many2one(
        "purchase.plan",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The purchase plan this line was created from.",
    )
