#!/usr/bin/env python3
"""make screenshots: PNGs of the main screens of a running Odoo, for the README.

Logs in to a served database (make run DEMO=1 by default: http://localhost:8069, database
`purchase`, admin/admin) with headless Chromium driven over the DevTools protocol (as Odoo's
own test browser is, with websocket-client), opens each screen, waits until what it shows is
drawn, and writes docs/screenshots/<name>.png:

- product_forecast.png  a product's "Demand Forecast" tab: explanation and chart
- forecast_pivot.png    Purchase → Forecasting → Forecast, by category and month
- purchase_plan.png     a computed purchase plan, each line with its reason
- import_preview.png    the import wizard's preview of a file (the file is not imported)
- settings.png          the Demand Forecasting and Purchase Plans settings

The product (the forecast product with the longest history) and the plan (the newest
computed one) are found over JSON-RPC from the logged-in page, or named with --product and
--plan. Screens whose data or module the database lacks are skipped with a message; the exit
status is 1 when a screen failed or none was taken.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-device-scale-factor=1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
# Runs in the page: resolves when test() returns something truthy, polling once per frame.
WAIT_JS = """
(test, timeout, what) => new Promise((resolve, reject) => {
    const start = performance.now();
    const tick = () => {
        let value = null;
        try { value = test(); } catch (error) { value = null; }
        if (value) { resolve(true); return; }
        if (performance.now() - start > timeout) {
            reject(new Error("timed out waiting for " + what));
            return;
        }
        requestAnimationFrame(tick);
    };
    tick();
})
"""
# Runs in the page: a JSON-RPC call with the page's session.
RPC_JS = """
async (model, method, args, kwargs) => {
    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({jsonrpc: "2.0", method: "call",
                              params: {model, method, args, kwargs}}),
    });
    const body = await response.json();
    if (body.error) {
        throw new Error(body.error.data?.message || body.error.message);
    }
    return body.result;
}
"""
CONTEXT_LOST = ("Execution context was destroyed", "Cannot find context", "Inspected target")


class ScreenError(Exception):
    """A screen could not be taken; the message says why."""


class ScreenSkipped(ScreenError):
    """The database lacks what a screen shows (a module, a plan): skipped, not failed."""


class Browser:
    """One headless Chromium page, driven over the DevTools protocol."""

    def __init__(self, chromium: str, width: int, height: int, timeout: float):
        self.timeout = timeout
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="pf-screenshots-")
        self.proc = subprocess.Popen(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws = None
        self.next_id = 0
        try:
            port = self._devtools_port()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = json.load(r)
            page = next(t for t in targets if t["type"] == "page")
            self.ws = websocket.create_connection(
                page["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True
            )
            self.send("Page.enable")
            self.resize(width)
        except Exception:
            self.close()
            raise

    def _devtools_port(self) -> int:
        """Chromium writes the port it chose into DevToolsActivePort once it listens."""
        path = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ScreenError(f"Chromium exited with status {self.proc.returncode}")
            if path.exists():
                lines = path.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.1)  # waiting for another process to start, not for the page
        raise ScreenError("Chromium did not open its DevTools port within 30 s")

    def close(self):
        if self.ws is not None:
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        message_id = self.next_id
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") != message_id:
                continue  # an event
            if "error" in message:
                raise ScreenError(f"{method}: {message['error'].get('message')}")
            return message.get("result", {})

    def evaluate(self, expression: str, timeout: float | None = None):
        """The value of a JS expression (awaited when it is a promise). Retries while the page
        is being replaced (a navigation in progress)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                result = self.send(
                    "Runtime.evaluate",
                    {"expression": expression, "awaitPromise": True, "returnByValue": True},
                )
            except ScreenError as error:
                if any(text in str(error) for text in CONTEXT_LOST):
                    if time.monotonic() > deadline:
                        raise
                    continue
                raise
            details = result.get("exceptionDetails")
            if details:
                text = details.get("exception", {}).get("description") or details.get("text")
                if any(lost in str(text) for lost in CONTEXT_LOST) and time.monotonic() < deadline:
                    continue
                raise ScreenError(str(text).splitlines()[0])
            return result.get("result", {}).get("value")

    def wait(self, test_js: str, what: str, timeout: float | None = None):
        """Wait until the JS expression `test_js` is truthy in the page."""
        ms = int((timeout or self.timeout) * 1000)
        self.evaluate(
            f"({WAIT_JS})(() => ({test_js}), {ms}, {json.dumps(what)})",
            timeout=(timeout or self.timeout) + 5,
        )

    def wait_for(self, selector: str, timeout: float | None = None):
        self.wait(f"document.querySelector({json.dumps(selector)})", selector, timeout)

    def click(self, selector: str):
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def navigate(self, url: str):
        self.send("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'", f"{url} to load")

    def resize(self, width: int):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
        )

    def settle(self):
        """No request pending (Odoo's "Loading" indicator gone), fonts loaded, and two frames
        drawn since."""
        self.wait("!document.querySelector('.o_loading_indicator')", "pending requests to end")
        self.evaluate(
            "document.fonts.ready.then(() => new Promise((resolve) =>"
            " requestAnimationFrame(() => requestAnimationFrame(resolve))))"
        )

    def scroll_to_top(self, selector: str):
        """Scroll `selector` to the top of its scrolling parent, also when the view scrolls
        itself once rendered (settings scroll to their app)."""
        self.wait_for(selector)
        element = f"document.querySelector({json.dumps(selector)})"
        for _attempt in range(5):
            self.evaluate(f"{element}.scrollIntoView({{block: 'start'}})")
            self.settle()
            if self.evaluate(f"{element}.getBoundingClientRect().top < 200"):
                return
        raise ScreenError(f"could not scroll {selector} into view")

    def rpc(self, model: str, method: str, *args, **kwargs):
        return self.evaluate(
            f"({RPC_JS})({json.dumps(model)}, {json.dumps(method)}, "
            f"{json.dumps(list(args))}, {json.dumps(kwargs)})"
        )

    def set_file(self, selector: str, path: Path):
        document = self.send("DOM.getDocument", {"depth": 0})
        node = self.send(
            "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector}
        )
        if not node.get("nodeId"):
            raise ScreenError(f"no file input {selector}")
        self.send("DOM.setFileInputFiles", {"nodeId": node["nodeId"], "files": [str(path)]})

    def screenshot(self, path: Path):
        self.settle()
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))


class Screens:
    """The screens the README shows, each a method that leaves the page ready to shoot."""

    def __init__(self, browser: Browser, args):
        self.browser = browser
        self.args = args
        self.url = args.url.rstrip("/")

    def login(self):
        b = self.browser
        b.navigate(f"{self.url}/web/login?db={self.args.db}")
        b.wait_for("form.oe_login_form input[name=login]")
        b.evaluate(
            "(() => { const form = document.querySelector('form.oe_login_form');"
            f" form.querySelector('input[name=login]').value = {json.dumps(self.args.login)};"
            f" form.querySelector('input[name=password]').value = "
            f"{json.dumps(self.args.password)};"
            " form.submit(); })()"
        )
        b.wait(
            "document.querySelector('.o_main_navbar') || "
            "document.querySelector('.oe_login_form .alert-danger')",
            "the web client after logging in",
        )
        if not b.evaluate("Boolean(document.querySelector('.o_main_navbar'))"):
            error = b.evaluate("document.querySelector('.alert-danger').textContent.trim()")
            raise ScreenError(f"login as {self.args.login} failed: {error}")

    def _open(self, path: str, ready: str):
        self.browser.navigate(f"{self.url}{path}")
        self.browser.wait_for(ready)

    def _has_model(self, model: str) -> bool:
        return bool(self.browser.rpc("ir.model", "search_count", [("model", "=", model)]))

    def product_forecast(self):
        b = self.browser
        domain = [
            ("failed", "=", False),
            ("run_id.state", "=", "done"),
            ("run_id.measure", "=", "quantity"),
            ("demand_class", "!=", "inactive"),
        ]
        if self.args.product:
            domain.append(("product_id.name", "ilike", self.args.product))
        results = b.rpc(
            "purchase.forecast.result",
            "search_read",
            domain,
            fields=["product_id"],
            order="history_periods desc, history_total desc, id desc",
            limit=1,
        )
        if not results:
            raise ScreenSkipped("no product with a finished quantity forecast")
        [product] = b.rpc(
            "product.product", "read", [results[0]["product_id"][0]], ["product_tmpl_id"]
        )
        template_id = product["product_tmpl_id"][0]
        self._open(
            f"/odoo/action-purchase.product_normal_action_puchased/{template_id}",
            '.o_form_view .o_notebook a[name="demand_forecast"]',
        )
        b.click('.o_notebook a[name="demand_forecast"]')
        b.wait(
            "(() => { const canvas = document.querySelector('.o_purchase_forecast_chart canvas');"
            " return canvas && window.Chart && Chart.getChart(canvas); })()",
            "the forecast chart",
        )

    def forecast_pivot(self):
        self._open(
            "/odoo/action-purchase_forecast.purchase_forecast_line_action",
            ".o_pivot_view .o_pivot table",
        )

    def purchase_plan(self):
        b = self.browser
        domain = [("state", "in", ["computed", "to_approve", "approved", "done"])]
        if self.args.plan:
            domain.append(("name", "=", self.args.plan))
        plans = b.rpc("purchase.plan", "search_read", domain, fields=["id"], limit=1)
        if not plans:
            raise ScreenSkipped("no computed purchase plan (compute one, or name it with --plan)")
        self._open(
            f"/odoo/action-purchase_forecast.purchase_plan_action/{plans[0]['id']}",
            '.o_form_view .o_field_widget[name="line_ids"] .o_data_row',
        )
        # the plan's lines on a page of their own: the reasons need the width
        b.click('.o_form_view button[name="action_open_lines"]')
        b.wait_for('.o_view_controller.o_list_view .o_data_row td[name="short_reason"]')

    def import_preview(self):
        b = self.browser
        if not self._has_model("purchase.forecast.import"):
            raise ScreenSkipped("this database has no import wizard (purchase.forecast.import)")
        path = Path(self.args.import_file).resolve()
        if not path.is_file():
            raise ScreenError(f"no file {path} to preview")
        self._open(
            "/odoo/action-purchase_forecast.purchase_forecast_line_action",
            'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
        )
        b.click('button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]')
        b.click('a[data-menu-xmlid="purchase_forecast.purchase_forecast_import_menu"]')
        b.wait_for('.modal div[name="file"] input[type="file"]')
        b.set_file('.modal div[name="file"] input[type="file"]', path)
        b.wait_for('.modal div[name="detected_kind"]:not(:empty)')
        b.click('.modal button[name="action_next"]')
        b.wait_for(".modal .o_purchase_forecast_import_preview")

    def settings(self):
        b = self.browser
        self._open(
            "/odoo/action-purchase_forecast.res_config_settings_action",
            '.o-settings-form-view div[name="forecast_horizon"]',
        )
        b.evaluate(
            "document.querySelector('#forecast_period_horizon').closest('.o_settings_container')"
            ".previousElementSibling.classList.add('o_pf_screenshot_anchor')"
        )
        b.scroll_to_top(".o_pf_screenshot_anchor")


# name, label, width in pixels (None: --width); a plan's lines need a wide screen
SCREENS = (
    ("product_forecast", "product forecast tab", None),
    ("forecast_pivot", "forecast pivot", None),
    ("purchase_plan", "purchase plan with reasons", 1600),
    ("import_preview", "import preview", None),
    ("settings", "settings", None),
)


def parse_args(argv=None):
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=env("ODOO_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=env("ODOO_DB", "purchase"))
    parser.add_argument("--login", default=env("ODOO_LOGIN", "admin"))
    parser.add_argument("--password", default=env("ODOO_PASSWORD", "admin"))
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument(
        "--chromium",
        default=env("CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome"),
    )
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=880)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per wait")
    parser.add_argument("--product", help="name (part) of the product to show")
    parser.add_argument("--plan", help="reference of the purchase plan to show")
    parser.add_argument(
        "--import-file",
        default=str(REPO / "data" / "lct2024" / "stock_leftovers_105.xlsx"),
        help="file the import preview shows (it is not imported)",
    )
    parser.add_argument(
        "--only", action="append", choices=[name for name, *_ in SCREENS], help="repeatable"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.chromium:
        print("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(args.chromium, args.width, args.height, args.timeout)
    taken, skipped, failed = [], [], []
    try:
        screens = Screens(browser, args)
        screens.login()
        for name, label, width in SCREENS:
            if args.only and name not in args.only:
                continue
            try:
                browser.resize(width or args.width)
                getattr(screens, name)()
                browser.screenshot(out / f"{name}.png")
            except ScreenSkipped as error:
                print(f"skipped {label}: {error}")
                skipped.append(name)
                continue
            except ScreenError as error:
                print(f"failed {label}: {error}")
                failed.append(name)
                continue
            taken.append(name)
            print(f"{out / name}.png: {label}")
    except ScreenError as error:
        print(f"error: {error}")
        return 1
    finally:
        browser.close()
    print(f"{len(taken)} screenshots in {out}, {len(skipped)} skipped, {len(failed)} failed")
    return 0 if taken and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
