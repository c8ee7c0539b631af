from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class PurchaseBudget(models.Model):
    """A purchasing budget for a period, for one buyer or the whole company."""

    _name = "purchase.budget"
    _description = "Purchase Budget"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Buyer",
        index=True,
        help="The buyer whose purchases this budget covers; empty = the whole company.",
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    amount = fields.Monetary(string="Budget", required=True)
    committed = fields.Monetary(
        compute="_compute_committed",
        help="Confirmed purchases of the period, taxes included, in the company currency.",
    )
    remaining = fields.Monetary(compute="_compute_committed")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for budget in self:
            if budget.date_to < budget.date_from:
                raise ValidationError(self.env._("A budget must end after it starts."))

    def _committed_domain(self):
        self.ensure_one()
        domain = Domain(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "purchase"),
                ("date_approve", ">=", self.date_from),
                ("date_approve", "<", fields.Date.add(self.date_to, days=1)),
            ]
        )
        if self.user_id:
            domain &= Domain("user_id", "=", self.user_id.id)
        return domain

    @api.depends("amount", "user_id", "date_from", "date_to", "company_id")
    def _compute_committed(self):
        orders = self.env["purchase.order"].sudo()
        for budget in self:
            committed = 0.0
            if budget.date_from and budget.date_to:
                groups = orders._read_group(budget._committed_domain(), [], ["amount_total_cc:sum"])
                committed = groups[0][0] or 0.0
            budget.committed = committed
            budget.remaining = budget.amount - committed

    @api.model
    def _current_for(self, user, company, day=None):
        """The budget that applies to `user` today: their own, else the company's."""
        day = day or fields.Date.context_today(self)
        domain = Domain(
            [
                ("company_id", "=", company.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ]
        )
        return self.sudo().search(domain & Domain("user_id", "=", user.id), limit=1) or (
            self.sudo().search(domain & Domain("user_id", "=", False), limit=1)
        )
