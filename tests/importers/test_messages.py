"""User-facing texts are translatable templates: `_("... %(name)s ...")`, never f-strings."""

import ast
from pathlib import Path

import importers
from importers import ImportFileError, Message

PACKAGE = Path(importers.__file__).resolve().parent
MESSAGE_CALLS = {"_", "ImportFileError", "Message"}


def _calls():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in MESSAGE_CALLS and node.args:
                    yield path.name, node


def test_templates_are_constant_strings():
    """Every _(), ImportFileError() and Message() gets a constant template or an _() call or a
    variable holding one — never an f-string, a % expression or a concatenation."""
    bad = []
    for name, node in _calls():
        arg = node.args[0]
        if isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
            node.func.id == "_" and not isinstance(arg, ast.Constant)
        ):
            bad.append(f"{name}:{node.lineno}")
    assert bad == []


def test_templates_use_named_parameters_only():
    """Templates use %(name)s placeholders (so translators can reorder them), no positional %s."""
    bad = []
    for name, node in _calls():
        arg = node.args[0]
        if node.func.id == "_" and isinstance(arg, ast.Constant):
            text = arg.value.replace("%%", "").replace("%(", "")
            if "%" in text:
                bad.append(f"{name}:{node.lineno}")
    assert bad == []


def test_error_renders_english_and_keeps_params():
    """str() renders the English text; template and params stay available for translation."""
    error = ImportFileError("File %(filename)s is empty.", row=3, filename="a.csv")
    assert str(error) == "File a.csv is empty."
    assert error.template == "File %(filename)s is empty."
    assert error.params == {"filename": "a.csv"}
    assert error.row == 3
    assert str(Message("%(count)s rows", {"count": 2})) == "2 rows"


def test_summary_labels_cover_summary_keys(real_parsed):
    """Every summary key a parser fills has a translatable label for the preview."""
    for name in ("stock_leftovers_105.xlsx", "kpgz_spgz_ste.xlsx"):
        assert set(real_parsed(name).summary) <= set(importers.SUMMARY_LABELS)


def test_package_is_pure_and_relative():
    """The package never imports odoo and imports its own modules relatively, so that it loads
    both as `importers` and as `odoo.addons.purchase_forecast.importers`."""
    allowed = {"openpyxl", "rapidfuzz", "numpy"}
    bad = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module.split(".")[0]]
            else:
                continue
            for name in names:
                if name in ("odoo", "importers") or (
                    name not in allowed and name not in __import__("sys").stdlib_module_names
                ):
                    bad.append(f"{path.name}:{node.lineno}:{name}")
    assert bad == []
