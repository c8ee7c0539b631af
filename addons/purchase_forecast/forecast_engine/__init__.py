"""Purchase Forecast engine: demand forecasts, quantiles and order quantities (pure Python)."""

from .panel import Forecast, forecast_panel
