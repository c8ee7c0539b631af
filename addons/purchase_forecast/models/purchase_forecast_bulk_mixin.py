import datetime as dt
import io
import json

import psycopg2

from odoo import api, fields, models

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class PurchaseForecastBulkMixin(models.AbstractModel):
    """Inserting generated rows by the ten thousand with PostgreSQL's COPY.

    Forecast runs and purchase plans generate one row per product (and per period): plain
    data whose creation has no logic. Through the ORM, rounding every float and recomputing
    related fields cost milliseconds a row, more than the forecast itself. Rows given here
    must carry every stored field the model computes; the cache is invalidated afterwards.
    """

    _name = "purchase.forecast.bulk.mixin"
    _description = "Bulk Insert of Generated Rows"

    @api.model
    def _bulk_insert(self, vals_list):
        if not vals_list:
            return
        names = sorted({name for vals in vals_list for name in vals})
        columns = [*names, "create_uid", "write_uid", "create_date", "write_date"]
        now = fields.Datetime.to_string(fields.Datetime.now())
        magic = f"{self.env.uid}\t{self.env.uid}\t{now}\t{now}"
        converters = [self._copy_converter(self._fields[name]) for name in names]
        text = "\n".join(
            "\t".join(
                _cell(vals.get(name), convert)
                for name, convert in zip(names, converters, strict=True)
            )
            + "\t"
            + magic
            for vals in vals_list
        )
        self.flush_model()
        # the COPY protocol does not work with an asynchronous wait callback (Odoo's own bulk
        # insert of ir.model.data does the same)
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            self.env.cr.copy_from(io.StringIO(text), table=self._table, columns=columns)
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        self.invalidate_model()

    @staticmethod
    def _copy_converter(field):
        if field.type == "boolean":
            return _bool
        if field.type == "many2one":
            return lambda value: str(int(value))
        if field.type in ("float", "monetary"):
            return lambda value: repr(float(value))
        if field.type == "integer":
            return lambda value: str(int(value))
        if field.type in ("date", "datetime"):
            return lambda value: value.isoformat() if isinstance(value, dt.date) else str(value)
        if field.type == "json":
            return lambda value: json.dumps(value).translate(COPY_ESCAPES)
        return lambda value: str(value).translate(COPY_ESCAPES)


def _bool(value):
    return "t" if value else "f"


def _cell(value, convert):
    """COPY text of one value: NULL for None, and for False outside boolean fields (Odoo's
    empty value)."""
    if value is None or (value is False and convert is not _bool):
        return "\\N"
    return convert(value)
