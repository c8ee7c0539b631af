#!/usr/bin/env python3
"""make run / make stop: Odoo from source with both addons, on a PostgreSQL of our own.

`run` starts a persistent cluster under .run/ (unless PGHOST names a server to use),
creates database PF_DB (default `purchase`) with both addons when it is missing (demo data
with DEMO=1), and serves Odoo in the background on http://localhost:8069 (ODOO_HTTP_PORT)
with odoo.conf. Running it twice is safe. `stop` stops what `run` started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_env
import pgcluster

RUN = odoo_env.REPO / ".run"
PID_FILE = RUN / "odoo.pid"
LOG_FILE = RUN / "odoo.log"
CONF = odoo_env.REPO / "odoo.conf"


def database_args() -> tuple[list[str], pgcluster.Cluster | None]:
    """Odoo's database options: PG* settings when given, else our cluster under .run/."""
    args = odoo_env.pg_environment_args()
    if args is not None:
        return args, None
    port = int(os.environ.get("PF_PG_PORT", "54329"))
    cluster = pgcluster.persistent_cluster(RUN / "postgres", port)
    return cluster.odoo_args, cluster


def source_config() -> Path:
    """odoo.conf without its container paths (addons_path, data_dir): from source they come
    from the command line, and Odoo would warn about the missing /mnt/extra-addons; and
    without proxy_mode, since nothing stands in front of it."""
    lines = [
        line
        for line in CONF.read_text().splitlines()
        if line.split("=", 1)[0].strip() not in ("addons_path", "data_dir", "proxy_mode")
    ]
    # no proxy in front of a server run from source: X-Forwarded-For would be the client's
    lines.append("proxy_mode = False")
    derived = RUN / "odoo.conf"
    derived.write_text("\n".join(lines) + "\n")
    return derived


def running_pid() -> int | None:
    if not PID_FILE.exists():
        return None
    pid = int(PID_FILE.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        PID_FILE.unlink(missing_ok=True)
        return None
    return pid


def modules_installed(cluster: pgcluster.Cluster | None, db: str) -> bool:
    """True when the database exists with both addons installed (only checkable on our cluster)."""
    if cluster is None:
        return False
    if not cluster.database_exists(db):
        return False
    names = ",".join(f"'{m}'" for m in odoo_env.OUR_MODULES)
    count = cluster.psql(
        f"SELECT count(*) FROM ir_module_module WHERE name IN ({names}) AND state = 'installed'",
        database=db,
    )
    return count == str(len(odoo_env.OUR_MODULES))


def run() -> int:
    home = odoo_env.odoo_home()
    if home is None:
        print("Odoo 19 not found: set ODOO_HOME to an Odoo 19 source tree.", file=sys.stderr)
        return 2
    pid = running_pid()
    port = os.environ.get("ODOO_HTTP_PORT", "8069")
    if pid:
        print(f"Odoo is already running (pid {pid}) on http://localhost:{port}")
        return 0
    RUN.mkdir(exist_ok=True)
    python = odoo_env.odoo_python(home)
    db = os.environ.get("PF_DB", "purchase")
    db_args, cluster = database_args()
    common = [
        f"--config={source_config()}",
        *db_args,
        f"--data-dir={RUN / 'data'}",
        f"--database={db}",
    ]
    if not modules_installed(cluster, db):
        demo = os.environ.get("DEMO") in ("1", "true", "yes")
        print(
            f"Creating database {db} with both addons{' and demo data' if demo else ''} ...",
            flush=True,
        )
        install = odoo_env.odoo_command(
            home,
            python,
            *common,
            f"--init={','.join(odoo_env.OUR_MODULES)}",
            *(["--with-demo"] if demo else []),
            "--stop-after-init",
            "--no-http",
        )
        subprocess.run(install, check=True, cwd=odoo_env.REPO)
    serve = odoo_env.odoo_command(
        home, python, *common, f"--db-filter=^{db}$", f"--http-port={port}", f"--logfile={LOG_FILE}"
    )
    # detached: no inherited terminal or pipes, so `make run` returns while Odoo serves
    process = subprocess.Popen(
        serve,
        cwd=odoo_env.REPO,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    PID_FILE.write_text(str(process.pid))
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"Odoo stopped at start; see {LOG_FILE}", file=sys.stderr)
            return 1
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/web/health", timeout=2):
                print(f"Odoo serves database {db} on {url} (log: {LOG_FILE}); `make stop` stops it")
                return 0
        time.sleep(0.5)
    print(f"Odoo did not answer within 120 s; see {LOG_FILE}", file=sys.stderr)
    return 1


def stop() -> int:
    pid = running_pid()
    if pid:
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            if running_pid() is None:
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
        PID_FILE.unlink(missing_ok=True)
        print("Odoo stopped")
    cluster_root = RUN / "postgres"
    if (cluster_root / "data" / "PG_VERSION").exists():
        port = int(os.environ.get("PF_PG_PORT", "54329"))
        cluster = pgcluster.Cluster(cluster_root, port, pgcluster.find_pg_bin())
        if cluster.running():
            cluster.stop()
            print("PostgreSQL stopped")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("run", "stop"))
    return run() if parser.parse_args().action == "run" else stop()


if __name__ == "__main__":
    sys.exit(main())
