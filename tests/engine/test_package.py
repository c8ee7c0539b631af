"""The package contract: public names, and imports that work inside Odoo and without it."""

import ast
from pathlib import Path

import forecast_engine

PACKAGE = Path(forecast_engine.__file__).parent


def test_public_api():
    """forecast_panel and order_quantities are importable from the package itself."""
    from forecast_engine import _, forecast_panel, order_quantities

    assert callable(forecast_panel) and callable(order_quantities)
    assert _("text %(x)s") == "text %(x)s"


def test_imports_are_relative_and_never_odoo():
    """Inside Odoo the package is odoo.addons.purchase_forecast.forecast_engine: every import of
    its own modules is relative, it never imports odoo, and statsmodels (slow to import) is never
    imported at module level."""
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("odoo", "forecast_engine")), (path.name, name)
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert not (module or "").startswith("statsmodels"), path.name


def test_method_and_class_labels_cover_every_code():
    """Every method code and demand class the engine can return has a readable label."""
    from forecast_engine.panel import CHALLENGERS, DEFAULTS

    assert set(CHALLENGERS) | set(DEFAULTS.values()) <= set(forecast_engine.METHOD_LABELS)
    assert set(DEFAULTS) == set(forecast_engine.CLASS_LABELS)


def test_period_helpers_and_labels_load_without_numpy():
    """Odoo imports the package for its period helpers and labels when the addon loads: that
    must not load numpy or scipy, only computing a forecast does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from forecast_engine import METHOD_LABELS\n"
        "from forecast_engine.periods import period_start\n"
        "assert 'numpy' not in sys.modules and 'scipy' not in sys.modules, 'loaded early'\n"
        "from forecast_engine import forecast_panel\n"
        "assert 'numpy' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
