from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# lead times are learned from this many receipts at least, over the last this many days
MIN_RECEIPTS = 3
LEAD_TIME_LOOKBACK_DAYS = 730


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    def _purchase_forecast_terms(self, product, company, whole):
        """What ordering ``product`` from this vendor line means for a plan of ``company``:
        the partner, the price per product unit in the company's currency, the minimum and
        the pack in product units (``whole``: 1 for goods counted in pieces), the stated
        delay."""
        self.ensure_one()
        vendor_uom = self.product_uom_id or product.uom_id
        # a vendor selling in packs (a bigger unit) can only deliver whole packs
        pack = vendor_uom._compute_quantity(1.0, product.uom_id, round=False)
        # price_discounted is per product unit already, whatever the vendor's pack
        price = self.currency_id._convert(
            self.price_discounted,
            company.currency_id,
            company,
            fields.Date.context_today(self),
            round=False,
        )
        return {
            "partner": self.partner_id,
            "seller": self,
            "price": price,
            "moq": vendor_uom._compute_quantity(self.min_qty, product.uom_id, round=False) or None,
            "multiple": pack if pack > 1 else whole,
            "delay": self.delay,
        }

    @api.model
    def _purchase_forecast_learned_lead_times(self, company, products):
        """{(commercial partner id, product id or None): count, mean and spread of the days
        from confirmation to receipt} over the company's receipts of the last two years, per
        vendor and product and per vendor, where there are at least MIN_RECEIPTS of them."""
        # differences of two dates per receipt cannot be aggregated by _read_group: one
        # grouped query over the receipts of the last two years does it for every product
        since = fields.Datetime.now() - relativedelta(days=LEAD_TIME_LOOKBACK_DAYS)
        query = SQL(
            """
            SELECT partner.commercial_partner_id, move.product_id,
                   count(*), avg(days), coalesce(stddev_samp(days), 0)
              FROM (
                SELECT sm.product_id, po.partner_id,
                       EXTRACT(EPOCH FROM (sm.date - po.date_approve)) / 86400.0 AS days
                  FROM stock_move sm
                  JOIN purchase_order_line pol ON pol.id = sm.purchase_line_id
                  JOIN purchase_order po ON po.id = pol.order_id
                 WHERE sm.state = 'done'
                   AND sm.company_id = %(company)s
                   AND sm.date >= %(since)s
                   AND po.date_approve IS NOT NULL
                   AND sm.date >= po.date_approve
                   AND sm.origin_returned_move_id IS NULL
              ) AS move
              JOIN res_partner partner ON partner.id = move.partner_id
             GROUP BY GROUPING SETS (
                (partner.commercial_partner_id, move.product_id),
                (partner.commercial_partner_id)
             )
            HAVING count(*) >= %(min_receipts)s
            """,
            company=company.id,
            since=since,
            min_receipts=MIN_RECEIPTS,
        )
        self.env["stock.move"].flush_model(["date", "state", "purchase_line_id", "product_id"])
        self.env["purchase.order"].flush_model(["date_approve", "partner_id"])
        self.env.cr.execute(query)
        wanted = set(products.ids)
        learned = {}
        for partner, product, count, mean, std in self.env.cr.fetchall():
            if product is None or product in wanted:
                learned[(partner, product)] = {
                    "count": count,
                    "mean": float(mean),
                    "std": float(std),
                }
        return learned
