"""The compose stack's defaults are the safe ones: secrets required, no master password or
database password in the repository, Odoo reachable only through the proxy that sets
X-Forwarded-*, workers on, a generated administrator password. Docker cannot run here, so the
entrypoint runs under bash with the image's commands replaced by recording fakes."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "docker" / "odoo-entrypoint.sh"
SECRETS = ("POSTGRES_PASSWORD", "ODOO_MASTER_PASSWORD")


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_requires_its_secrets():
    """No secret has a default: each is `${NAME:?message}` wherever it is used."""
    text = (REPO / "docker-compose.yml").read_text()
    services = compose()["services"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    odoo = services["odoo"]["environment"]
    assert odoo["PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert odoo["ODOO_MASTER_PASSWORD"].startswith("${ODOO_MASTER_PASSWORD:?")
    for name in SECRETS:
        assert f"{name}:-" not in text


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose not installed")
def test_compose_refuses_to_start_without_env(tmp_path):
    """Without a .env, `docker compose` stops with a message naming the missing secret."""
    shutil.copy(REPO / "docker-compose.yml", tmp_path / "docker-compose.yml")
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    proc = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert ".env" in proc.stderr and "PASSWORD" in proc.stderr


def test_only_the_proxy_is_published():
    """Odoo publishes no port (proxy_mode trusts X-Forwarded-For); the proxy listens on
    localhost unless ODOO_HTTP_BIND says otherwise; the proxy overwrites the client's header."""
    services = compose()["services"]
    assert "ports" not in services["odoo"]
    (published,) = services["proxy"]["ports"]
    assert published.startswith("${ODOO_HTTP_BIND:-127.0.0.1}:")
    nginx = (REPO / "docker" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "proxy_add_x_forwarded_for" not in nginx
    assert "server odoo:8072;" in nginx and "location /websocket" in nginx


def test_repository_holds_no_master_password(tmp_path, monkeypatch):
    """odoo.conf has no admin_passwd (Odoo's default would be 'admin') and keeps proxy_mode
    for the proxy; a server run from source gets proxy_mode off."""
    conf = (REPO / "odoo.conf").read_text()
    keys = {line.split("=", 1)[0].strip() for line in conf.splitlines() if "=" in line}
    assert "admin_passwd" not in keys
    assert "proxy_mode = True" in conf
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import serve  # the script module, importable only from scripts/

        monkeypatch.setattr(serve, "RUN", tmp_path)
        text = serve.source_config().read_text()
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert "proxy_mode = False" in text and "proxy_mode = True" not in text


def test_docker_context_and_env_example():
    """The build context leaves out .git, .env and virtualenvs; .env.example names every
    secret with an empty value (nothing to copy by mistake)."""
    ignored = (REPO / ".dockerignore").read_text().split()
    for entry in (".git", ".env", ".venv", ".test-results"):
        assert entry in ignored
    example = dict(
        line.split("=", 1)
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for name in (*SECRETS, "ODOO_ADMIN_PASSWORD", "TELEGRAM_BOT_TOKEN", "ODOO_API_KEY"):
        assert example[name] == ""


FAKE = """#!/bin/bash
echo "$(basename "$0") $*" >>"$PF_FAKE_LOG"
if [ "$(basename "$0")" = psql ]; then cat "$PF_FAKE_STATE" 2>/dev/null; fi
if [ "$(basename "$0")" = image-entrypoint ]; then
    if [ "$2" = shell ]; then
        cat >>"$PF_FAKE_LOG"
        echo "password=$PF_ADMIN_PASSWORD" >>"$PF_FAKE_LOG"
    fi
    if [[ " $* " == *" --init "* ]]; then echo installed >"$PF_FAKE_STATE"; fi
fi
exit 0
"""


@pytest.fixture
def sandbox(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("wait-for-psql.py", "psql", "image-entrypoint"):
        path = bin_dir / name
        path.write_text(FAKE)
        path.chmod(0o755)
    (tmp_path / "odoo.conf").write_text((REPO / "odoo.conf").read_text())
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PF_FAKE_LOG": str(tmp_path / "calls.log"),
        "PF_FAKE_STATE": str(tmp_path / "state"),
        "PF_IMAGE_ENTRYPOINT": str(bin_dir / "image-entrypoint"),
        "PF_SOURCE_RC": str(tmp_path / "odoo.conf"),
        "PF_RC": str(tmp_path / "server.conf"),
        "PASSWORD": "db-secret-123",
        "ODOO_MASTER_PASSWORD": "master-secret-123",
    }
    return tmp_path, env


def start(env):
    return subprocess.run(
        ["bash", str(ENTRYPOINT), "odoo"], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", ["PASSWORD", "ODOO_MASTER_PASSWORD"])
def test_entrypoint_refuses_without_secrets(sandbox, missing):
    """Without the database or master password the container stops before touching the
    database, saying what to put in .env."""
    tmp_path, env = sandbox
    del env[missing]
    proc = start(env)
    assert proc.returncode == 64
    assert ".env" in proc.stderr
    assert not (tmp_path / "calls.log").exists()


def test_entrypoint_refuses_a_short_master_password(sandbox):
    """A master password of a few characters is refused."""
    _tmp_path, env = sandbox
    env["ODOO_MASTER_PASSWORD"] = "admin"
    proc = start(env)
    assert proc.returncode == 64 and "12 characters" in proc.stderr


def test_first_start_generates_the_admin_password_once(sandbox):
    """The first start writes a private server config with the master password and workers,
    installs the addons, sets a generated admin password and prints it; the second start
    neither reinstalls nor prints a password."""
    tmp_path, env = sandbox
    first = start(env)
    assert first.returncode == 0, first.stderr
    server_conf = tmp_path / "server.conf"
    text = server_conf.read_text()
    options = text.split("[options]", 1)[1]
    assert "admin_passwd = master-secret-123" in options
    assert "workers = 3" in options
    assert stat.S_IMODE(server_conf.stat().st_mode) == 0o600
    calls = (tmp_path / "calls.log").read_text()
    assert "--init purchase_forecast,purchase_bot" in calls
    printed = [line for line in first.stdout.splitlines() if "password '" in line]
    assert len(printed) == 1
    password = printed[0].split("password '", 1)[1].split("'", 1)[0]
    assert len(password) >= 12 and f"password={password}" in calls
    assert 'env.ref("base.user_admin").password' in calls
    assert "master-secret-123" not in first.stdout + first.stderr
    second = start(env)
    assert second.returncode == 0
    assert "password '" not in second.stdout
    assert (tmp_path / "calls.log").read_text().count("--init") == 1


def test_given_admin_password_is_not_printed(sandbox):
    """With ODOO_ADMIN_PASSWORD in .env, that password is set and nothing is printed."""
    tmp_path, env = sandbox
    env["ODOO_ADMIN_PASSWORD"] = "chosen-admin-pass"
    proc = start(env)
    assert proc.returncode == 0
    assert "chosen-admin-pass" not in proc.stdout
    assert "password=chosen-admin-pass" in (tmp_path / "calls.log").read_text()


def test_job_workers_scale_beside_the_web_service():
    """Background jobs run on the odoo-worker service, which can be scaled: no fixed name or
    published port, the same database and filestore as the web service, the job runner's
    requests sent to the service name; the web service runs no job runner, and the proxy
    never lets a client call queue_job's run-a-job endpoint."""
    services = compose()["services"]
    worker, web = services["odoo-worker"], services["odoo"]
    assert "container_name" not in worker and "ports" not in worker
    assert worker["environment"]["PF_ROLE"] == "jobs"
    assert worker["environment"]["ODOO_QUEUE_JOB_HOST"] == "odoo-worker"
    assert "odoo-filestore:/var/lib/odoo" in worker["volumes"]
    assert worker["volumes"] == web["volumes"]
    for key in ("HOST", "USER", "PASSWORD", "PF_DB"):
        assert worker["environment"][key] == web["environment"][key]
    assert web["environment"]["ODOO_QUEUE_JOB_CHANNELS"] == "root:0"
    nginx = (REPO / "docker" / "nginx.conf").read_text()
    assert "location /queue_job/ {\n        return 404;" in nginx


def test_a_job_worker_never_initialises_the_database(sandbox):
    """A job worker waits for the web service to initialise the database, then starts Odoo
    with the given arguments; it never installs anything nor sets a password, and it gives up
    with a clear message when the database never appears."""
    tmp_path, env = sandbox
    env.update({"PF_ROLE": "jobs", "PF_WAIT_SECONDS": "0"})
    proc = start(env)
    assert proc.returncode == 64 and "not initialised" in proc.stderr
    (tmp_path / "state").write_text("installed\n")
    proc = start(env)
    assert proc.returncode == 0, proc.stderr
    calls = (tmp_path / "calls.log").read_text()
    assert "--init" not in calls and " shell " not in calls and "user_admin" not in calls
    assert "image-entrypoint odoo --database purchase" in calls
    env["PF_ROLE"] = "cron"
    assert start(env).returncode == 64
