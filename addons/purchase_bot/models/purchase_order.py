from odoo import models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def button_confirm(self):
        result = super().button_confirm()
        for order in self.filtered(lambda o: o.state == "to approve"):
            approvers = self.env.ref("purchase.group_purchase_manager").all_user_ids
            order._notify_telegram_approvers(approvers, "rfq", str(order.write_date))
        return result
