#!/usr/bin/env python3
"""make test: lint, then every test tier, then one closing line `N passed, N failed`.

- lint: ruff check, ruff format --check, pylint-odoo on both addons;
- tier 1: pytest over tests/ (no Odoo needed);
- tier 2: when Odoo 19 is found, both addons installed with --test-enable on a fresh
  database of a throwaway PostgreSQL cluster; a failed test, any ERROR/CRITICAL log line and
  any WARNING logged by (or about) our addons fail the tier;
- tier 3: end-to-end over HTTP: that database served by Odoo, pytest tests/e2e against it.

The summary (per tier: counts, duration) also goes to .test-results/summary.txt.
Exit status 0 only when everything that ran passed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_env
import pgcluster

REPO = odoo_env.REPO
RESULTS = REPO / ".test-results"
# Odoo processes serving the end-to-end tier (prefork, as odoo.conf runs production)
E2E_WORKERS = int(os.environ.get("PF_E2E_WORKERS", "2"))
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z?]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<message>.*)$"
)
TEST_REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading"
)
# Odoo's line for a skipped test; a test of ours never skips (a tour without Chromium or
# websocket-client would, and would pass silently)
SKIPPED_TEST = re.compile(r"^skipped (?P<test>\S+) : (?P<reason>.*)$")
# what names our addons in a log message: module names and model name prefixes
OUR_MARKERS = re.compile(
    r"purchase_forecast|purchase_bot|purchase\.forecast|purchase\.bot|purchase\.plan"
)


@dataclass
class TierResult:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"{self.name}: {self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text + f" ({self.seconds:.1f} s)"


class Interrupted(Exception):
    pass


def _on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def run_lint() -> TierResult:
    result = TierResult("lint")
    start = time.monotonic()
    bin_dir = Path(sys.executable).parent
    checks = {
        "ruff check": [str(bin_dir / "ruff"), "check", "."],
        "ruff format": [str(bin_dir / "ruff"), "format", "--check", "."],
        "pylint-odoo": [
            str(bin_dir / "pylint"),
            "--rcfile=.pylintrc",
            *(str(odoo_env.ADDONS / m) for m in odoo_env.OUR_MODULES),
        ],
    }
    compose = shutil.which("docker-compose")
    if compose:
        checks["docker-compose config"] = [compose, "-f", "docker-compose.yml", "config", "-q"]
    else:
        result.notes.append("docker-compose not installed: compose file not validated")
    # the compose file requires its secrets: validate it with placeholders, never a real .env
    compose_env = {
        **os.environ,
        "POSTGRES_PASSWORD": "placeholder-for-config-check",
        "ODOO_MASTER_PASSWORD": "placeholder-for-config-check",
    }
    for name, cmd in checks.items():
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=compose_env)
        if proc.returncode == 0:
            result.passed += 1
        else:
            result.failed += 1
            print(f"--- {name} failed:\n{proc.stdout}{proc.stderr}", flush=True)
            result.notes.append(f"{name} failed")
    result.seconds = time.monotonic() - start
    return result


def junit_counts(path: Path, result: TierResult) -> None:
    root = ET.parse(path).getroot()  # noqa: S314 - pytest's own report
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        result.passed += tests - failed - skipped
        result.failed += failed
        result.skipped += skipped


def run_pytest(name: str, args: list[str], env: dict[str, str] | None = None) -> TierResult:
    result = TierResult(name)
    start = time.monotonic()
    junit = RESULTS / f"{name.split(':')[0].replace(' ', '-')}.xml"
    junit.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    proc = subprocess.run([*cmd, *args], cwd=REPO, env={**os.environ, **(env or {})})
    if junit.exists():
        junit_counts(junit, result)
    if proc.returncode not in (0, 5) and result.failed == 0:
        # pytest itself broke (collection error, bad option): never report that as a pass
        result.failed += 1
        result.notes.append(f"pytest exited with status {proc.returncode}")
    result.seconds = time.monotonic() - start
    return result


def scan_odoo_log(lines, result: TierResult) -> None:
    """Count tests from Odoo's report and every log line that must fail the run."""
    report = None
    problems = []
    skips = []
    for line in lines:
        match = LOG_LINE.match(line)
        if not match:
            continue
        level, logger, message = match["level"], match["logger"], match["message"]
        found = TEST_REPORT.search(message)
        if found and logger == "odoo.tests.result":
            report = found
            continue
        skipped = SKIPPED_TEST.match(message)
        if skipped and ".tests." in logger and OUR_MARKERS.search(logger):
            skips.append(f"{skipped['test']} was skipped: {skipped['reason']}")
            continue
        if level in ("ERROR", "CRITICAL"):
            if ".tests." in logger and OUR_MARKERS.search(logger):
                continue  # a failing test of ours: counted by the report
            problems.append(line)
        elif level == "WARNING" and (OUR_MARKERS.search(logger) or OUR_MARKERS.search(message)):
            problems.append(line)
    if report:
        failed = int(report["failed"]) + int(report["errors"])
        result.passed += int(report["run"]) - failed - len(skips)
        result.failed += failed + len(skips)
        result.notes.extend(skips)
    else:
        result.failed += 1
        result.notes.append("Odoo printed no test report (it stopped before the tests ran)")
    result.failed += len(problems)
    for line in problems:
        result.notes.append(f"log: {line[:300]}")


def stream(proc: subprocess.Popen, log_path: Path) -> list[str]:
    """Tee Odoo's output to a log file; echo only what a developer needs to see."""
    lines = []
    echo = False
    with log_path.open("w") as log:
        for raw in proc.stdout:
            log.write(raw)
            line = raw.rstrip("\n")
            lines.append(line)
            match = LOG_LINE.match(line)
            if match:
                ours_test = ".tests." in match["logger"] and OUR_MARKERS.search(match["logger"])
                echo = bool(
                    match["level"] in ("WARNING", "ERROR", "CRITICAL")
                    or match["logger"] == "odoo.tests.result"
                    or ours_test
                )
            if echo:  # continuation lines (tracebacks) follow their header's fate
                print(line, flush=True)
    proc.wait()
    return lines


def run_odoo_tests(home: Path, python: str, cluster, db: str, data_dir: str) -> TierResult:
    result = TierResult("tier 2 odoo")
    start = time.monotonic()
    modules = ",".join(odoo_env.OUR_MODULES)
    tags = os.environ.get("ODOO_TEST_TAGS") or ",".join(f"/{m}" for m in odoo_env.OUR_MODULES)
    cmd = odoo_env.odoo_command(
        home,
        python,
        *cluster.odoo_args,
        f"--database={db}",
        f"--data-dir={data_dir}",
        f"--init={modules}",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        f"--http-port={pgcluster.free_port()}",
        "--max-cron-threads=0",
        "--log-level=info",
    )
    print(f"Installing {modules} on a fresh database with --test-enable ...", flush=True)
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    try:
        lines = stream(proc, RESULTS / "odoo-tests.log")
    finally:
        if proc.poll() is None:
            proc.kill()
    scan_odoo_log(lines, result)
    if proc.returncode not in (0, None) and result.failed == 0:
        result.failed += 1
        result.notes.append(f"odoo-bin exited with status {proc.returncode}")
    result.seconds = time.monotonic() - start
    return result


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Odoo exited with status {proc.returncode} before serving")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    raise RuntimeError(f"Odoo did not answer {url} within {timeout:.0f} s")


def shell_command(home: Path, python: str, cluster, db: str, data_dir: str) -> list[str]:
    """odoo-bin shell on the test database: Python on stdin runs with `env` (superuser)."""
    return odoo_env.odoo_command(
        home,
        python,
        "shell",
        *cluster.odoo_args,
        f"--database={db}",
        f"--data-dir={data_dir}",
        "--no-http",
        "--log-level=warn",
    )


def create_api_key(home: Path, python: str, cluster, db: str, data_dir: str) -> str:
    """An API key of the admin user, made with Odoo's own shell, for the end-to-end tests."""
    code = (
        "key = env['res.users.apikeys'].with_user(env.ref('base.user_admin')).sudo()"
        "._generate('rpc', 'e2e tests', None)\n"
        "env.cr.commit()\n"
        "print('API_KEY=' + key)\n"
    )
    cmd = shell_command(home, python, cluster, db, data_dir)
    proc = subprocess.run(cmd, input=code, capture_output=True, text=True, cwd=REPO, check=True)
    for line in proc.stdout.splitlines():
        if line.startswith("API_KEY="):
            return line.split("=", 1)[1]
    raise RuntimeError(f"could not create an API key:\n{proc.stderr[-2000:]}")


def run_e2e(home: Path, python: str, cluster, db: str, data_dir: str) -> TierResult:
    start = time.monotonic()
    port = pgcluster.free_port()
    try:
        api_key = create_api_key(home, python, cluster, db, data_dir)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        result = TierResult("tier 3 e2e", failed=1, notes=[f"setup failed: {exc}"])
        result.seconds = time.monotonic() - start
        return result
    cmd = odoo_env.odoo_command(
        home,
        python,
        *cluster.odoo_args,
        f"--database={db}",
        f"--db-filter=^{db}$",
        f"--data-dir={data_dir}",
        f"--http-port={port}",
        f"--gevent-port={pgcluster.free_port()}",
        "--http-interface=127.0.0.1",
        # several processes, as in production (odoo.conf): requests of different people are
        # served in parallel, and nothing may rely on one process's memory
        f"--workers={E2E_WORKERS}",
        # and queue_job's job runner, which hands jobs to those processes over HTTP
        "--load=base,web,queue_job",
        "--max-cron-threads=0",
        "--log-level=info",
    )
    runner = {
        "ODOO_QUEUE_JOB_CHANNELS": f"root:{E2E_WORKERS},root.purchase_forecast:{E2E_WORKERS}",
        "ODOO_QUEUE_JOB_PORT": str(port),
    }
    log_path = RESULTS / "odoo-e2e.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            cmd,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **runner},
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/web/health", server)
        env = {
            "ODOO_URL": url,
            "ODOO_DB": db,
            "ODOO_API_KEY": api_key,
            "PF_E2E_ODOO_LOG": str(log_path),
            "PF_E2E_ODOO_SHELL": json.dumps(shell_command(home, python, cluster, db, data_dir)),
        }
        result = run_pytest("tier 3 e2e", ["tests/e2e"], env)
    except RuntimeError as exc:
        result = TierResult("tier 3 e2e", failed=1, notes=[str(exc)])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    result.seconds = time.monotonic() - start
    return result


def odoo_tiers(args) -> list[TierResult]:
    home = odoo_env.odoo_home()
    if home is None:
        where = os.environ.get("ODOO_HOME") or "/opt/odoo"
        print(f"Odoo 19 not found at {where} (set ODOO_HOME): Odoo and end-to-end tiers skipped.")
        return []
    version = odoo_env.odoo_version(home)
    if version != "19.0":
        print(f"Odoo at {home} is {version}, not 19.0: Odoo and end-to-end tiers skipped.")
        return []
    python = odoo_env.odoo_python(home)
    results = []
    with pgcluster.throwaway_cluster() as cluster, tempfile.TemporaryDirectory() as data_dir:
        print(f"Throwaway PostgreSQL on {cluster.socket_dir} port {cluster.port}", flush=True)
        db = f"pf_test_{os.getpid()}"
        if args.tier in ("all", "odoo"):
            results.append(run_odoo_tests(home, python, cluster, db, data_dir))
        if args.tier in ("all", "e2e"):
            if not cluster.database_exists(db):
                install = odoo_env.odoo_command(
                    home,
                    python,
                    *cluster.odoo_args,
                    f"--database={db}",
                    f"--data-dir={data_dir}",
                    f"--init={','.join(odoo_env.OUR_MODULES)}",
                    "--stop-after-init",
                    "--no-http",
                    "--log-level=warn",
                )
                subprocess.run(install, cwd=REPO, check=True)
            results.append(run_e2e(home, python, cluster, db, data_dir))
    return results


def write_summary(results: list[TierResult]) -> str:
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    closing = f"{passed} passed, {failed} failed"
    lines = [r.line() for r in results]
    for r in results:
        lines.extend(f"  {r.name}: {note}" for note in r.notes)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.txt").write_text("\n".join([*lines, closing]) + "\n")
    return "\n".join([*lines, closing])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tier",
        choices=("all", "lint", "pytest", "odoo", "e2e"),
        default="all",
        help="run only this part (default: everything)",
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, _on_signal)
    results: list[TierResult] = []
    try:
        if args.tier in ("all", "lint"):
            results.append(run_lint())
        if args.tier in ("all", "pytest"):
            results.append(run_pytest("tier 1 pytest", ["tests", "--ignore=tests/e2e"]))
        if args.tier in ("all", "odoo", "e2e"):
            results.extend(odoo_tiers(args))
    except (KeyboardInterrupt, Interrupted):
        results.append(TierResult("interrupted", failed=1, notes=["the run was interrupted"]))
    print()
    print(write_summary(results))
    return 0 if results and all(r.failed == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
