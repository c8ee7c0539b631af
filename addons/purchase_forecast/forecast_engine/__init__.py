"""Purchase Forecast engine: demand forecasts, quantiles and order quantities (pure Python).

With ``addons/purchase_forecast`` on ``sys.path``::

    from forecast_engine import forecast_panel, order_quantities

Inside Odoo: ``odoo.addons.purchase_forecast.forecast_engine``. Never imports odoo.
"""

from .panel import Forecast, forecast_panel
from .policy import OrderAdvice, order_quantities
from .translate import _
from .labels import METHOD_LABELS, CLASS_LABELS
