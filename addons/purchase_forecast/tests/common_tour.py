from unittest.mock import patch

from odoo.tests import HttpCase

# Odoo waits 100 x 0.1 s for Chromium to publish its DevTools port and then skips the tour
# (which fails our test tier). A first start on a cold or busy CI machine has been seen to take
# longer: a minute is allowed; a browser that does start is not slowed down.
CHROME_START_CHECKS = 600


class TourCase(HttpCase):
    """An HttpCase whose browser may take up to a minute to start."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(
            patch("odoo.tests.common.CHECK_BROWSER_ITERATIONS", CHROME_START_CHECKS)
        )
