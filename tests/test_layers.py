"""The layers stay apart: the pure packages never import odoo (they run in the benchmarks, the
worker's container and plain pytest), and the addons' models and wizards use only what the
importers package exports."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORECAST = REPO / "addons" / "purchase_forecast"
PURE = {
    "forecast_engine": FORECAST / "forecast_engine",
    "importers": FORECAST / "importers",
    "procurement_json": FORECAST / "procurement_json",
    "telegram_worker": REPO / "addons" / "purchase_bot" / "telegram_worker",
}


def absolute_imports(path):
    """(line, top-level module) of every absolute import in a Python file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(PURE))
def test_pure_package_never_imports_odoo(package):
    """No module of the package imports odoo, at any depth of the file."""
    files = sorted(PURE[package].rglob("*.py"))
    assert files
    bad = [
        f"{path.relative_to(REPO)}:{line}"
        for path in files
        for line, module in absolute_imports(path)
        if module == "odoo"
    ]
    assert bad == []


def exported_names():
    tree = ast.parse((PURE["importers"] / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    raise AssertionError("importers/__init__.py has no __all__")


def test_addons_use_only_what_importers_export():
    """Models and wizards import from the importers package itself (`from ..importers import
    X` with X exported), never from its inner modules."""
    exported = exported_names()
    bad = []
    for folder in ("models", "wizard"):
        for path in sorted((FORECAST / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or not node.level:
                    continue
                module = node.module or ""
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                if module.startswith("importers."):
                    bad.append(f"{where}: from ..{module}")
                elif module == "importers":
                    bad += [f"{where}: {a.name}" for a in node.names if a.name not in exported]
    assert bad == []
