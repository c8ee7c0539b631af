from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_telegram_approvers(self, approvers, kind, version):
        """Queue an approval request for each linked approver of the record's company."""
        self.ensure_one()
        links = (
            self.env["purchase.bot.link"]
            .sudo()
            .search([("user_id", "in", approvers.ids), ("active", "=", True)])
        )
        Outbox = self.env["purchase.bot.outbox"]
        for link in links.filtered(lambda ln: self.company_id in ln.user_id.company_ids):
            lang = link.user_id.lang or "en_US"
            record = self.with_context(lang=lang)
            text = record.env._(
                "%(name)s (%(amount)s %(currency)s) from %(user)s waits for your approval: "
                "open Approvals in the bot.",
                name=record.display_name,
                amount=round(getattr(record, "amount_total", 0.0), 2),
                currency=record.company_id.currency_id.name,
                user=record.user_id.name or "",
            )
            Outbox._queue(link, text, "approval", f"approval:{kind}:{self.id}:{version}:{link.id}")
