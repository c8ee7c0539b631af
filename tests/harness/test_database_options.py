"""make run and make pot on an existing PostgreSQL: the PG* settings become Odoo's options."""

import odoo_env


def test_no_pghost_means_our_own_cluster(monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.setenv("PGPORT", "6543")
    assert odoo_env.pg_environment_args() is None


def test_pg_settings_become_odoo_database_options(monkeypatch):
    monkeypatch.setenv("PGHOST", "db.internal")
    monkeypatch.setenv("PGPORT", "6543")
    monkeypatch.setenv("PGUSER", "odoo")
    monkeypatch.setenv("PGPASSWORD", "s3cret")
    assert odoo_env.pg_environment_args() == [
        "--db_host=db.internal",
        "--db_port=6543",
        "--db_user=odoo",
        "--db_password=s3cret",
    ]


def test_unset_settings_are_left_to_odoo_defaults(monkeypatch):
    for name in ("PGPORT", "PGUSER", "PGPASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGHOST", "/var/run/postgresql")
    assert odoo_env.pg_environment_args() == ["--db_host=/var/run/postgresql"]
