from . import purchase_forecast_spend_report
