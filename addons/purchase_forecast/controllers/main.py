import json

from odoo import http
from odoo.http import content_disposition, request


class PurchaseForecastController(http.Controller):
    """Downloads: a plan as XLSX and an RFQ as a procurement calculation JSON. Thin: access is
    checked by reading the record as the logged-in user; the models build the files."""

    @http.route("/purchase_forecast/plan/<int:plan_id>/xlsx", type="http", auth="user")
    def plan_xlsx(self, plan_id):
        plan = request.env["purchase.plan"].browse(plan_id).exists()
        if not plan:
            raise request.not_found()
        plan.check_access("read")
        content = plan._export_xlsx()
        filename = f"{plan.name.replace('/', '-')}.xlsx"
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @http.route("/purchase_forecast/rfq/<int:order_id>/calculation.json", type="http", auth="user")
    def rfq_calculation(self, order_id):
        order = request.env["purchase.order"].browse(order_id).exists()
        if not order:
            raise request.not_found()
        order.check_access("read")
        document = order._procurement_calculation()
        filename = f"{order.name.replace('/', '-')}.json"
        return request.make_response(
            json.dumps(document, ensure_ascii=False, indent=2),
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
