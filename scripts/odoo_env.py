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


# the setuptools of a new virtualenv (65) cannot match today's zope.interface wheels to
# gevent's requirement, and Odoo's gevent process (prefork mode: --workers) dies at start
EXTRA_SERVER_PACKAGE = "setuptools>=70,<81"


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
    digest = hashlib.sha256(requirements.read_bytes() + EXTRA_SERVER_PACKAGE.encode())
    stamp = Path(sys.prefix) / f".odoo-requirements-{digest.hexdigest()[:12]}"
    if not stamp.exists():
        print(f"Installing Odoo's Python requirements from {requirements} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-r", str(requirements)], check=True
        )
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", EXTRA_SERVER_PACKAGE], check=True
        )
        stamp.touch()
    return sys.executable


# OCA addons from PyPI (queue_job): their wheels pin odoo==19.0.*, which is not on PyPI, so
# they install without dependencies; their real requirements are listed here and in
# requirements.txt (the Dockerfile installs both files the same way).
ODOO_ADDONS_REQUIREMENTS = REPO / "requirements-odoo-addons.txt"
QUEUE_JOB_REQUIREMENTS = ("openupgradelib", "requests")
_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


def queue_job_addons(python: str) -> Path:
    """The folder holding OCA queue_job for this Python (<site-packages>/odoo/addons), installed
    once the way a user would: the wheel without its odoo==19.0 pin, plus its real requirements."""
    purelib = subprocess.run([python, "-c", _PURELIB], capture_output=True, text=True, check=True)
    folder = Path(purelib.stdout.strip()) / "odoo" / "addons"
    if not (folder / "queue_job" / "__manifest__.py").is_file():
        print(f"Installing {ODOO_ADDONS_REQUIREMENTS.name} into {python} ...", flush=True)
        pip = [python, "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--no-deps", "-r", str(ODOO_ADDONS_REQUIREMENTS)], check=True)
        subprocess.run([*pip, *QUEUE_JOB_REQUIREMENTS], check=True)
    return folder


def addons_path(home: Path, python: str | None = None) -> str:
    """Odoo's addons, OCA queue_job's folder (for the given Python) and ours."""
    queue_job = f"{queue_job_addons(python)}," if python else ""
    return f"{home / 'addons'},{queue_job}{ADDONS}"


def odoo_command(home: Path, python: str, *args: str) -> list[str]:
    return [python, str(home / "odoo-bin"), f"--addons-path={addons_path(home, python)}", *args]


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
