"""The worker's texts are extractable by Odoo into purchase_bot.pot and well-formed."""

import ast
import importlib.util
import os
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "addons" / "purchase_bot" / "telegram_worker"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ANY_CONVERSION = re.compile(r"%(?!%)(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def _marked_calls():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
            ):
                yield path.name, node


def test_every_marked_text_is_a_literal_with_matching_named_placeholders():
    """Each _() call has one literal English template (no f-string, no variable: the
    extractor could not see it), only %(name)s placeholders, and exactly the keyword
    arguments those placeholders name."""
    count = 0
    for filename, node in _marked_calls():
        where = f"{filename}:{node.lineno}"
        assert len(node.args) == 1, where
        template = node.args[0]
        assert isinstance(template, ast.Constant) and isinstance(template.value, str), where
        text = template.value
        assert text.strip() == text and text, where
        conversions = ANY_CONVERSION.findall(text)
        names = set(PLACEHOLDER.findall(text))
        assert len(conversions) == len(PLACEHOLDER.findall(text)), f"{where}: only %(name)s"
        assert {k.arg for k in node.keywords} == names, where
        count += 1
    assert count > 150  # the conversation really is written with _()


def test_odoo_extractor_finds_every_text():
    """Odoo 19's own Python extractor (the one `odoo-bin i18n export` uses, with keywords
    `_` and `_lt`) finds exactly the texts marked in the worker."""
    pytest.importorskip("babel")
    odoo_home = Path(os.environ.get("ODOO_HOME") or "/opt/odoo")
    source = odoo_home / "odoo" / "tools" / "babel" / "python_extractor.py"
    if not source.is_file():
        pytest.skip(f"Odoo 19 source not found at {odoo_home}")
    spec = importlib.util.spec_from_file_location("odoo_python_extractor", source)
    extractor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extractor)
    expected = {node.args[0].value for _name, node in _marked_calls()}
    found = set()
    for path in sorted(PACKAGE.glob("*.py")):
        with path.open("rb") as handle:
            for _lineno, _func, messages, _comments in extractor.extract_python(
                handle, {"_": None, "_lt": None}, [], {"encoding": "UTF-8"}
            ):
                first = messages[0] if isinstance(messages, tuple) else messages
                if first:
                    found.add(first)
    assert found == expected
