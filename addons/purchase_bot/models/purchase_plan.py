from odoo import models


class PurchasePlan(models.Model):
    _inherit = "purchase.plan"

    def action_request_approval(self):
        result = super().action_request_approval()
        for plan in self:
            approvers = self.env.ref("purchase_forecast.group_forecast_manager").all_user_ids
            plan._notify_telegram_approvers(approvers, "plan", plan._approval_token())
        return result
