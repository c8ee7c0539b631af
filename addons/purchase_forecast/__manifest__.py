{
    "name": "Purchase Forecast",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Purchase",
    "summary": "Demand forecasts, safety stock and budget-aware purchase plans",
    "author": "Purchase Forecast contributors",
    "website": "https://github.com/purchase-forecast/purchase-forecast",
    "license": "LGPL-3",
    "depends": ["purchase_stock"],
    "external_dependencies": {"python": ["numpy", "pandas", "statsmodels"]},
    "data": [
        "security/purchase_forecast_security.xml",
        "data/purchase_forecast_data.xml",
        "views/res_config_settings_views.xml",
        "views/purchase_forecast_menus.xml",
    ],
}
