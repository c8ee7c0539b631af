"""A purchase plan as an XLSX workbook: numbers stay numbers, dates follow the user's
language (the plan form's Export XLSX button, /purchase_forecast/plan/<id>/xlsx)."""

import io

from odoo import fields
from odoo.tools import get_lang


def plan_workbook(plan) -> bytes:
    """The plan's lines, their figures and reasons, and its total, as XLSX bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(plan.name.replace("/", "-")[:31])
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    number = book.add_format({"num_format": "#,##0.00"})
    money = book.add_format({"num_format": "#,##0.00"})
    date_format = get_lang(plan.env).date_format
    excel_date = (
        date_format.replace("%d", "dd")
        .replace("%m", "mm")
        .replace("%Y", "yyyy")
        .replace("%y", "yy")
    )
    dated = book.add_format({"num_format": excel_date})
    sheet.write(0, 0, plan.name, bold)
    sheet.write(0, 2, plan.env._("Computed"), bold)
    if plan.computed_at:
        # the user's local time (Excel dates carry no time zone)
        local = fields.Datetime.context_timestamp(plan, plan.computed_at)
        sheet.write_datetime(0, 3, local.replace(tzinfo=None), dated)
    columns = [
        (plan.env._("Product"), 36),
        (plan.env._("Code"), 14),
        (plan.env._("Vendor"), 28),
        (plan.env._("Status"), 14),
        (plan.env._("On Hand"), 11),
        (plan.env._("Incoming"), 11),
        (plan.env._("Lead Time (days)"), 11),
        (plan.env._("Expected Demand"), 12),
        (plan.env._("Safety Stock"), 12),
        (plan.env._("Reorder Point"), 12),
        (plan.env._("Suggested"), 11),
        (plan.env._("To Order"), 11),
        (plan.env._("Unit"), 8),
        (plan.env._("Unit Price"), 12),
        (plan.env._("Subtotal"), 14),
        (plan.env._("Why"), 80),
    ]
    for col, (title, width) in enumerate(columns):
        sheet.write(2, col, title, bold)
        sheet.set_column(col, col, width)
    states = dict(plan.env["purchase.plan.line"]._fields["state"]._description_selection(plan.env))
    for index, line in enumerate(plan.line_ids, start=3):
        values = [
            line.product_id.display_name,
            line.product_id.default_code or "",
            line.vendor_id.display_name or "",
            states.get(line.state, ""),
        ]
        for col, value in enumerate(values):
            sheet.write_string(index, col, value)
        numbers = [
            line.on_hand,
            line.incoming,
            line.lead_days,
            line.expected_demand,
            line.safety_stock,
            line.reorder_point,
            line.suggested_quantity,
            line.quantity,
        ]
        for col, value in enumerate(numbers, start=4):
            sheet.write_number(index, col, value, number)
        sheet.write_string(index, 12, line.product_uom_id.name or "")
        sheet.write_number(index, 13, line.price_unit, money)
        sheet.write_number(index, 14, line.subtotal, money)
        sheet.write_string(index, 15, line.explanation or "")
    total_row = len(plan.line_ids) + 4
    sheet.write(total_row, 13, plan.env._("To Order"), bold)
    sheet.write_number(total_row, 14, plan.amount_total, money)
    sheet.freeze_panes(3, 1)
    book.close()
    return buffer.getvalue()
