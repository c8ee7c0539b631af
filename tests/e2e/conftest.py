"""End-to-end tests: a real Odoo server, reached over HTTP like an integrator would.

The test runner (scripts/run_tests.py) serves a database with both addons installed and
passes ODOO_URL, ODOO_DB and ODOO_API_KEY (an administrator's key); without them these tests
are skipped.
"""

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest


class Json2Client:
    """A minimal JSON-2 client: POST /json/2/<model>/<method> with a bearer API key."""

    def __init__(self, url, db, api_key):
        self.url, self.db, self.api_key = url, db, api_key

    def call(self, model, method, **params):
        status, body = self.raw(model, method, params, self.api_key)
        if status != 200:
            raise AssertionError(f"{model}.{method} answered {status}: {body}")
        return body

    def raw(self, model, method, params, api_key):
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}",
            data=json.dumps(params).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {api_key}",
                "X-Odoo-Database": self.db,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


@pytest.fixture(scope="session")
def odoo():
    needed = ("ODOO_URL", "ODOO_DB", "ODOO_API_KEY")
    if not all(os.environ.get(name) for name in needed):
        pytest.skip("no Odoo server given (ODOO_URL, ODOO_DB, ODOO_API_KEY)")
    return Json2Client(os.environ["ODOO_URL"], os.environ["ODOO_DB"], os.environ["ODOO_API_KEY"])


@pytest.fixture(scope="session")
def odoo_shell():
    """Run Python in Odoo's shell on the served database (setup that needs the ORM, e.g. a
    user's one-time Telegram token); returns what it printed."""
    command = os.environ.get("PF_E2E_ODOO_SHELL")
    if not command:
        pytest.skip("no Odoo shell given (PF_E2E_ODOO_SHELL)")

    def run(code):
        proc = subprocess.run(
            json.loads(command), input=code, capture_output=True, text=True, timeout=300
        )
        if proc.returncode:
            raise AssertionError(f"odoo shell failed:\n{proc.stderr[-3000:]}")
        return proc.stdout

    return run
