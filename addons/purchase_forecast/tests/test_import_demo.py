import datetime as dt
import os
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.purchase_forecast.wizard.purchase_forecast_import import DEMO_FILES


@tagged("post_install", "-at_install")
class TestImportDemo(TransactionCase):
    """How the demo database finds the real files and dates them."""

    def test_dates_move_by_whole_years_to_the_last_year(self):
        """The latest quarter of the data (30.09.2022) is moved into the last twelve months by
        whole years, so seasons stay in their months and no stock lies in the future."""
        Wizard = self.env["purchase.forecast.import"]
        latest = dt.date(2022, 9, 30)
        self.assertEqual(Wizard._demo_date_shift(latest, dt.date(2026, 11, 27)), 4)
        self.assertEqual(Wizard._demo_date_shift(latest, dt.date(2026, 9, 29)), 3)
        self.assertEqual(Wizard._demo_date_shift(latest, dt.date(2026, 9, 30)), 4)
        self.assertEqual(Wizard._demo_date_shift(latest, dt.date(2022, 10, 1)), 0)

    def test_data_folder_from_the_environment(self):
        """PF_DEMO_DATA names the folder of the real files (as docker compose mounts it); a
        folder missing one of them is not taken."""
        Wizard = self.env["purchase.forecast.import"]
        with tempfile.TemporaryDirectory() as folder:
            for name in DEMO_FILES:
                (Path(folder) / name).write_bytes(b"")
            with patch.dict(os.environ, {"PF_DEMO_DATA": folder}):
                self.assertEqual(Wizard._demo_data_dir(), Path(folder).resolve())
            (Path(folder) / DEMO_FILES[0]).unlink()
            with (
                patch.dict(os.environ, {"PF_DEMO_DATA": folder}),
                # the source tree's data/lct2024 is hidden: only the named folder counts
                patch.object(
                    Path,
                    "is_file",
                    lambda path: str(path).startswith(folder) and os.path.isfile(path),
                ),
            ):
                self.assertIsNone(Wizard._demo_data_dir())
