import logging

import psycopg2

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# a chunk whose job raised is tried this many times in all, then reported on its run
MAX_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 60  # times the attempt number


class PurchaseForecastRunChunk(models.Model):
    """A slice of a forecast run's products, forecast in one engine call by one queue job."""

    _name = "purchase.forecast.run.chunk"
    _description = "Forecast Run Chunk"
    _order = "run_id, sequence, id"

    run_id = fields.Many2one(
        "purchase.forecast.run", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    product_ids = fields.Many2many(
        "product.product",
        "purchase_forecast_run_chunk_product_rel",
        "chunk_id",
        "product_id",
        readonly=True,
    )
    product_count = fields.Integer(readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)
    done_at = fields.Datetime(readonly=True)

    def _identity_key(self):
        """One job per chunk and attempt: enqueuing a chunk whose job is still waiting
        creates nothing."""
        self.ensure_one()
        return f"purchase.forecast.run.chunk:{self.id}:{self.attempts}"

    def _enqueue(self, eta=None):
        for chunk in self:
            chunk.with_delay(
                identity_key=chunk._identity_key(),
                eta=eta,
                description=self.env._(
                    "Forecast %(run)s, chunk %(number)s (%(count)s products)",
                    run=chunk.run_id.name,
                    number=chunk.sequence,
                    count=chunk.product_count,
                ),
            )._job_forecast()

    def _lock(self):
        """This chunk when no other transaction is working on it, else nothing."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM purchase_forecast_run_chunk WHERE id = %s FOR UPDATE SKIP LOCKED",
                self.id,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _job_forecast(self):
        """Queue job: forecast the chunk's products once. A failure is retried in a later job
        (MAX_ATTEMPTS in all), then reported on the run; either way the run is asked to
        finish once its last chunk is over."""
        self.ensure_one()
        chunk = self._lock()
        if not chunk or chunk.state != "pending" or chunk.run_id.state != "running":
            return "nothing to do: chunk already done, reported or being done"
        try:
            with self.env.cr.savepoint():
                chunk._forecast()
        except psycopg2.OperationalError:
            raise  # a concurrency error: queue_job retries the whole job
        except Exception as exc:  # reported on the run; the other chunks go on
            chunk._record_failure(exc)
        chunk.run_id._enqueue_finish()
        return chunk.state

    def _forecast(self):
        """Forecast the chunk in this transaction: one engine call for all its products."""
        self.ensure_one()
        self.run_id._forecast_batch(self.product_ids)
        self.write({"state": "done", "done_at": fields.Datetime.now(), "error": False})

    def _record_failure(self, exc):
        self.env.invalidate_all()
        message = str(exc) or exc.__class__.__name__
        attempts = self.attempts + 1
        _logger.warning(
            "Forecast run %s, chunk %s, attempt %s failed: %s",
            self.run_id.name,
            self.sequence,
            attempts,
            message,
        )
        if attempts < MAX_ATTEMPTS:
            self.write({"attempts": attempts, "error": message})
            self._enqueue(eta=RETRY_DELAY_SECONDS * attempts)
        else:
            self.write({"attempts": attempts, "error": message, "state": "failed"})

    def action_retry(self):
        """Forecast failed chunks again, in new jobs; the run finishes again when they are."""
        self.run_id._check_can_run()
        for chunk in self:
            if chunk.state != "failed":
                raise UserError(self.env._("Only failed chunks can be retried."))
            chunk.run_id._check_can_resume()
        self.write({"state": "pending", "attempts": 0, "error": False})
        self.run_id.filtered(lambda run: run.state == "done").write({"state": "running"})
        self._enqueue()
        return True
