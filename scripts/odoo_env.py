"""Where Odoo is, which Python runs it, and the command line both make test and make run use."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = REPO / "addons"
OUR_MODULES = ("purchase_forecast", "purchase_bot")


def odoo_home() -> Path | None:
    """The Odoo 19 source tree named by ODOO_HOME (default /opt/odoo), or None."""
    home = Path(os.environ.get("ODOO_HOME") or "/opt/odoo")
    if (home / "odoo-bin").is_file() and (home / "odoo" / "release.py").is_file():
        return home
    return None


def odoo_version(home: Path) -> str:
    scope: dict = {}
    exec((home / "odoo" / "release.py").read_text(), scope)  # noqa: S102 - Odoo's own file
    return scope["serie"]


def odoo_python(home: Path) -> str:
    """ODOO_PYTHON when given; otherwise this virtualenv, with Odoo's requirements installed."""
    if os.environ.get("ODOO_PYTHON"):
        python = os.environ["ODOO_PYTHON"]
        # Odoo's tours drive Chromium through websocket-client, which Odoo does not require
        probe = subprocess.run([python, "-c", "import websocket"], capture_output=True)
        if probe.returncode:
            print(f"Installing websocket-client into {python} (for Odoo's tours) ...", flush=True)
            subprocess.run([python, "-m", "pip", "install", "-q", "websocket-client"], check=False)
        return python
    requirements = home / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    stamp = Path(sys.prefix) / f".odoo-requirements-{digest}"
    if not stamp.exists():
        print(f"Installing Odoo's Python requirements from {requirements} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-r", str(requirements)], check=True
        )
        stamp.touch()
    return sys.executable


def addons_path(home: Path) -> str:
    return f"{home / 'addons'},{ADDONS}"


def odoo_command(home: Path, python: str, *args: str) -> list[str]:
    return [python, str(home / "odoo-bin"), f"--addons-path={addons_path(home)}", *args]


def pg_environment_args() -> list[str] | None:
    """Odoo's database options from the PG* settings, or None when PGHOST is not set."""
    if not os.environ.get("PGHOST"):
        return None
    args = [f"--db_host={os.environ['PGHOST']}"]
    for env, option in (
        ("PGPORT", "db_port"),
        ("PGUSER", "db_user"),
        ("PGPASSWORD", "db_password"),
    ):
        if os.environ.get(env):
            args.append(f"--{option}={os.environ[env]}")
    return args
