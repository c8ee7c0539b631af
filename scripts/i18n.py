#!/usr/bin/env python3
"""make pot: regenerate each addon's translation template from the code, merge its .po files.

Both addons are installed on a fresh database of a throwaway PostgreSQL cluster (or an
existing database with --database), `odoo-bin i18n export` writes
addons/<addon>/i18n/<addon>.pot (Python `_()` texts, including the pure packages and the
Telegram worker, views, data, field labels and help, selections), then every <lang>.po
beside it is merged with the new template as msgmerge does: new terms are added
untranslated, terms gone from the code are dropped, existing translations are kept.
A template whose terms did not change is left as it was (no date-only diffs).
Ends with one line per .po file: translated / total terms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_env
import pgcluster

# po header of each language we ship: what Odoo's own translations declare
LANGUAGES = {
    "ru": {
        "Language": "ru",
        "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
        "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    },
}
WRAP = 78  # polib's and Odoo's line width: keeps diffs of regenerated files small


def _polib():
    try:
        import polib
    except ImportError:
        sys.exit("polib is missing: run make venv (it comes with Odoo's requirements)")
    return polib


def _connection_args() -> list[str]:
    """Odoo's database options from the PG* settings (for --database)."""
    args = odoo_env.pg_environment_args()
    if args is None:
        sys.exit("--database needs PGHOST (and PGPORT, PGUSER, PGPASSWORD as required)")
    return args


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, cwd=odoo_env.REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        sys.exit(f"{what} failed (exit status {proc.returncode})")


def install(home: Path, python: str, db_args: list[str], db: str, data_dir: str, mode: str):
    """Install (mode 'init') or update (mode 'update') both addons."""
    modules = ",".join(odoo_env.OUR_MODULES)
    verb = "Installing" if mode == "init" else "Updating"
    print(f"{verb} {modules} on database {db} ...", flush=True)
    cmd = odoo_env.odoo_command(
        home,
        python,
        *db_args,
        f"--database={db}",
        f"--data-dir={data_dir}",
        f"--{mode}={modules}",
        "--stop-after-init",
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=warn",
    )
    _run(cmd, f"{verb} the addons")


def export_templates(home: Path, python: str, db_args: list[str], db: str, data_dir: str):
    """`odoo-bin i18n export` of both addons into their i18n/<addon>.pot.

    The i18n command reads the connection only from a configuration file, so one is written
    for the run."""
    polib = _polib()
    old = {}
    for module in odoo_env.OUR_MODULES:
        pot = odoo_env.ADDONS / module / "i18n" / f"{module}.pot"
        old[module] = pot.read_bytes() if pot.exists() else None
    options = {
        "addons_path": odoo_env.addons_path(home, python),
        "data_dir": data_dir,
    }
    for arg in db_args:
        key, _sep, value = arg.removeprefix("--").partition("=")
        options[key] = value
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
        conf.write("[options]\n")
        conf.writelines(f"{key} = {value}\n" for key, value in options.items())
    try:
        print("Exporting the templates with odoo-bin i18n export ...", flush=True)
        _run(
            [
                python,
                str(home / "odoo-bin"),
                "i18n",
                "export",
                "-c",
                conf.name,
                "-d",
                db,
                *odoo_env.OUR_MODULES,
            ],
            "odoo-bin i18n export",
        )
    finally:
        os.unlink(conf.name)
    for module, content in old.items():
        pot = odoo_env.ADDONS / module / "i18n" / f"{module}.pot"
        if not pot.exists():
            sys.exit(f"odoo-bin i18n export wrote no {pot}")
        if content is not None and _terms(polib.pofile(content.decode())) == _terms(
            polib.pofile(str(pot))
        ):
            pot.write_bytes(content)  # same terms: keep the old file and its dates


def _terms(catalog) -> list[tuple]:
    return [(e.msgid, e.comment, tuple(e.occurrences)) for e in catalog]


def merge_catalogs(module: str, i18n: Path | None = None) -> list[str]:
    """Merge every <lang>.po of the addon (in `i18n`, by default the addon's i18n folder)
    with its template; one summary line per file."""
    polib = _polib()
    i18n = i18n or odoo_env.ADDONS / module / "i18n"
    pot = polib.pofile(str(i18n / f"{module}.pot"), wrapwidth=WRAP)
    order = {entry.msgid: index for index, entry in enumerate(pot)}
    summary = []
    for path in sorted(i18n.glob("*.po")):
        po = polib.pofile(str(path), wrapwidth=WRAP)
        po.merge(pot)
        kept = [entry for entry in po if not entry.obsolete]
        kept.sort(key=lambda entry: order[entry.msgid])
        del po[:]
        po.extend(kept)
        po.metadata["POT-Creation-Date"] = pot.metadata.get("POT-Creation-Date", "")
        po.metadata.update(LANGUAGES.get(path.stem.split("_")[0], {}))
        po.save(str(path))
        translated = sum(1 for e in po if e.msgstr and "fuzzy" not in e.flags)
        where = path.relative_to(odoo_env.REPO) if path.is_relative_to(odoo_env.REPO) else path
        summary.append(f"{where}: {translated}/{len(po)} translated")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        help="export from this existing database (both addons installed; connection from "
        "PGHOST, PGPORT, PGUSER, PGPASSWORD) instead of a throwaway cluster",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="with --database: update both addons first (needed after view or field changes)",
    )
    parser.add_argument(
        "--merge-only",
        action="store_true",
        help="only merge the .po files with the templates as they are",
    )
    args = parser.parse_args()
    if not args.merge_only:
        home = odoo_env.odoo_home()
        if home is None:
            sys.exit("Odoo 19 not found: set ODOO_HOME to an Odoo 19.0 source tree")
        python = odoo_env.odoo_python(home)
        with tempfile.TemporaryDirectory(prefix="pf-i18n-") as data_dir:
            if args.database:
                db_args = _connection_args()
                if args.update:
                    install(home, python, db_args, args.database, data_dir, "update")
                export_templates(home, python, db_args, args.database, data_dir)
            else:
                with pgcluster.throwaway_cluster() as cluster:
                    db = f"pf_i18n_{os.getpid()}"
                    install(home, python, cluster.odoo_args, db, data_dir, "init")
                    export_templates(home, python, cluster.odoo_args, db, data_dir)
    for module in odoo_env.OUR_MODULES:
        for line in merge_catalogs(module):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
