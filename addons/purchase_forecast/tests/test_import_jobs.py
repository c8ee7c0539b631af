import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import PurchaseForecastCommon, perform_all_jobs
from .common_import import FIXTURES


@tagged("post_install", "-at_install")
class TestImportJobs(PurchaseForecastCommon):
    """Files above the size threshold (here 100 bytes) are imported by a queue job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("purchase_forecast.import_job_threshold", "100")

    def _wizard(self, content, filename):
        return (
            self.env["purchase.forecast.import"]
            .with_user(self.forecast_manager)
            .create({"file": base64.b64encode(content), "filename": filename})
        )

    def _catalog(self):
        return self._wizard((FIXTURES / "catalog_small.xlsx").read_bytes(), "catalog_small.xlsx")

    def test_large_file_is_imported_by_a_job(self):
        """The import returns at once with a queued log holding the upload, nothing written;
        the job imports the file into that log, drops the upload and tells the user."""
        Product = self.env["product.product"]
        before = Product.search_count([])
        with trap_jobs() as trap:
            action = self._catalog().action_import()
            log = self.env["purchase.forecast.import.log"].browse(action["res_id"])
            self.assertRecordValues(log, [{"state": "queued", "kind": "catalog", "progress": 0.0}])
            self.assertTrue(log.file_attachment_id)
            self.assertEqual(Product.search_count([]), before)
            trap.assert_jobs_count(1, only=log._job_import)
            with patch.object(type(self.env["res.users"]), "_bus_send") as notify:
                perform_all_jobs(trap)
        self.assertEqual((log.state, log.progress), ("done", 100.0))
        self.assertGreater(log.product_created_count, 0)
        self.assertEqual(Product.search_count([]), before + log.product_created_count)
        self.assertFalse(log.file_attachment_id)
        notify.assert_called_once()
        self.assertEqual(notify.call_args.args[1]["type"], "success")

    def test_queued_log_refreshes_itself(self):
        """The form of a queued import reloads itself while the file waits for its job (the
        job-progress field, working while queued), so the buyer sees the result appear."""
        arch = self.env["purchase.forecast.import.log"].get_view(view_type="form")["arch"]
        self.assertIn('widget="purchase_forecast_job_progress"', arch)
        self.assertRegex(arch, r"working_states.{0,20}queued")

    def test_failing_job_writes_nothing_and_says_why(self):
        """A crash while writing the file: the log is marked failed with the error, no
        product of the file exists, and a job performed again does nothing."""
        Product = self.env["product.product"]
        before = Product.search_count([])
        Importer = type(self.env["purchase.forecast.importer"])
        real = Importer._write_products

        def crash(importer, *args, **kwargs):
            real(importer, *args, **kwargs)
            raise RuntimeError("catalog service down")

        with (
            trap_jobs() as trap,
            patch.object(Importer, "_write_products", crash),
            mute_logger("odoo.addons.purchase_forecast.models.purchase_forecast_import_log"),
        ):
            action = self._catalog().action_import()
            job = trap.enqueued_jobs[0]
            perform_all_jobs(trap)
        log = self.env["purchase.forecast.import.log"].browse(action["res_id"])
        self.assertEqual(log.state, "failed")
        self.assertIn("catalog service down", log.error)
        self.assertEqual(Product.search_count([]), before)
        self.assertEqual(job.perform(), "nothing to do: the file was imported already")

    def test_unrecognised_large_file_is_refused_at_once(self):
        """A large file of no known kind is refused in the request, as a small one is, and
        leaves no log."""
        logs = self.env["purchase.forecast.import.log"].search_count([])
        with trap_jobs() as trap, self.assertRaises(UserError):
            self._wizard(b"not a spreadsheet at all " * 10, "notes.txt").action_import()
        trap.assert_jobs_count(0)
        self.assertEqual(self.env["purchase.forecast.import.log"].search_count([]), logs)

    def test_small_file_is_imported_at_once(self):
        """A file at or below the threshold is imported in the request: no job."""
        self.env["ir.config_parameter"].set_param(
            "purchase_forecast.import_job_threshold", "100000000"
        )
        with trap_jobs() as trap:
            action = self._catalog().action_import()
            trap.assert_jobs_count(0)
        log = self.env["purchase.forecast.import.log"].browse(action["res_id"])
        self.assertEqual(log.state, "done")
