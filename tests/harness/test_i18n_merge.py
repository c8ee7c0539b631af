"""make pot's merge: a catalog follows its regenerated template without losing translations."""

import i18n
import polib


def _catalog(path, entries, **metadata):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", **metadata}
    for msgid, msgstr, comment in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, comment=comment))
    po.save(str(path))


def test_new_terms_added_empty_vanished_dropped_translations_kept(tmp_path):
    """After the code changed: a term still in the template keeps its translation (and takes
    the template's comments), a new term appears untranslated, a term gone from the code
    is dropped (not kept as obsolete), entries follow the template's order, and the
    Russian header carries its language and plural forms."""
    _catalog(
        tmp_path / "demo.pot",
        [
            ("Approve", "", "module: demo"),
            ("New label", "", "module: demo"),
            ("Plan %(name)s", "", "module: demo\nodoo-python"),
        ],
        **{"POT-Creation-Date": "2026-11-27 22:00+0000"},
    )
    _catalog(
        tmp_path / "ru.po",
        [
            ("Plan %(name)s", "План %(name)s", "module: demo"),
            ("Old label", "Старая подпись", "module: demo"),
            ("Approve", "Утвердить", "module: demo"),
        ],
    )
    summary = i18n.merge_catalogs("demo", tmp_path)
    assert summary == [f"{tmp_path / 'ru.po'}: 2/3 translated"]
    po = polib.pofile(str(tmp_path / "ru.po"))
    assert [(e.msgid, e.msgstr) for e in po] == [
        ("Approve", "Утвердить"),
        ("New label", ""),
        ("Plan %(name)s", "План %(name)s"),
    ]
    assert not po.obsolete_entries()
    assert "odoo-python" in po.find("Plan %(name)s").comment
    assert po.metadata["Language"] == "ru"
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert po.metadata["POT-Creation-Date"] == "2026-11-27 22:00+0000"


def test_merging_twice_changes_nothing(tmp_path):
    """A second make pot over unchanged code leaves the catalog byte for byte as it was."""
    _catalog(tmp_path / "demo.pot", [("Approve", "", "module: demo")])
    _catalog(tmp_path / "ru.po", [("Approve", "Утвердить", "module: demo")])
    i18n.merge_catalogs("demo", tmp_path)
    first = (tmp_path / "ru.po").read_bytes()
    i18n.merge_catalogs("demo", tmp_path)
    assert (tmp_path / "ru.po").read_bytes() == first
