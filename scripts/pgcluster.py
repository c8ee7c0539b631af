"""A PostgreSQL cluster of our own: throwaway for tests, persistent under .run/ for make run.

PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres`
system user (or PF_PG_OS_USER). The server listens on a Unix socket only: nothing on the
machine's network is touched and two clusters never fight over a TCP port.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DB_SUPERUSER = "odoo"  # Odoo refuses to connect as "postgres"


def find_pg_bin() -> Path:
    """Directory holding initdb/pg_ctl: PG_BIN, then PATH, then Debian's versioned dirs."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    candidates.extend(debian)
    for path in candidates:
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql "
        "or set PG_BIN to their directory"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _os_user() -> str | None:
    """The unprivileged account the server runs as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("PF_PG_OS_USER", "postgres")
    try:
        pwd.getpwnam(name)
    except KeyError as exc:
        raise RuntimeError(
            f"running as root but there is no '{name}' system user for PostgreSQL; "
            "create it (useradd --system postgres) or set PF_PG_OS_USER"
        ) from exc
    return name


@dataclass
class Cluster:
    """A running (or startable) cluster: data directory, socket directory and port."""

    root: Path
    port: int
    bin_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log_file(self) -> Path:
        return self.root / "postgresql.log"

    @property
    def odoo_args(self) -> list[str]:
        return [
            f"--db_host={self.socket_dir}",
            f"--db_port={self.port}",
            f"--db_user={DB_SUPERUSER}",
        ]

    @property
    def env(self) -> dict[str, str]:
        """libpq settings that reach this cluster (psql, createdb, psycopg2)."""
        return {"PGHOST": str(self.socket_dir), "PGPORT": str(self.port), "PGUSER": DB_SUPERUSER}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        user = _os_user()
        if user:
            cmd = ["runuser", "-u", user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def _give_to_server_user(self) -> None:
        user = _os_user()
        if user:
            entry = pwd.getpwnam(user)
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
            blocked = [p for p in self.root.parents if not p.stat().st_mode & 0o001]
            if blocked:
                raise RuntimeError(
                    f"the '{user}' user cannot reach {self.root}: {blocked[0]} is not "
                    "searchable by others; put the checkout elsewhere or set PG* settings"
                )

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._give_to_server_user()
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            DB_SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False).returncode == 0

    def start(self, fast: bool = False) -> None:
        options = [
            "-c listen_addresses=''",
            f"-c unix_socket_directories='{self.socket_dir}'",
            f"-p {self.port}",
        ]
        if fast:
            # throwaway data: durability buys nothing and costs minutes of fsync
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            log = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr.strip()}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        if self.data_dir.exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", check=False)

    def psql(self, sql: str, database: str = "postgres") -> str:
        env = {**os.environ, **self.env}
        psql = shutil.which("psql") or str(self.bin_dir / "psql")
        result = subprocess.run(
            [psql, "-d", database, "-tAc", sql], env=env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    def database_exists(self, name: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


@contextlib.contextmanager
def throwaway_cluster():
    """Start a fresh cluster in a temporary directory; always stop and remove it."""
    root = Path(tempfile.mkdtemp(prefix="pf-pg-"))
    cluster = Cluster(root=root, port=free_port(), bin_dir=find_pg_bin())
    try:
        cluster.init()
        cluster.start(fast=True)
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop(mode="immediate")
        # wait briefly for the postmaster to release its files before removing them
        for _ in range(20):
            if not (cluster.data_dir / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


def persistent_cluster(root: Path, port: int) -> Cluster:
    """The make-run cluster: created on first use, started when not running."""
    # the server runs elsewhere: a relative socket directory would not resolve there
    cluster = Cluster(root=root.resolve(), port=port, bin_dir=find_pg_bin())
    if not cluster.initialised():
        cluster.init()
    if not cluster.running():
        cluster.start()
    return cluster
