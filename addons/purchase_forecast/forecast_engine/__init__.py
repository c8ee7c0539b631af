"""Purchase Forecast engine: demand forecasts, quantiles and order quantities (pure Python).

With ``addons/purchase_forecast`` on ``sys.path``::

    from forecast_engine import forecast_panel, order_quantities

Inside Odoo: ``odoo.addons.purchase_forecast.forecast_engine``. Never imports odoo.
"""

import importlib

from .labels import CLASS_LABELS, METHOD_LABELS
from .translate import _

# numpy, scipy and statsmodels load when a forecast is first computed, not when Odoo imports
# the addon for its period helpers and labels
_LAZY = {
    "Forecast": "panel",
    "forecast_panel": "panel",
    "forecast_with_state": "panel",
    "OrderAdvice": "policy",
    "order_quantities": "policy",
}

__all__ = [
    "CLASS_LABELS",
    "METHOD_LABELS",
    "_",
    "Forecast",
    "forecast_panel",
    "forecast_with_state",
    "OrderAdvice",
    "order_quantities",
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
