{
    "name": "Purchase Forecast: Telegram Assistant",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Purchase",
    "summary": "Buyers check stock, forecasts and plans and approve purchases from Telegram",
    "author": "Purchase Forecast contributors",
    "website": "https://github.com/purchase-forecast/purchase-forecast",
    "license": "LGPL-3",
    "depends": ["purchase_forecast", "mail"],
    "data": [
        "security/purchase_bot_security.xml",
        "security/ir.model.access.csv",
        "data/purchase_bot_data.xml",
        "wizard/purchase_bot_wizard_views.xml",
        "views/purchase_bot_link_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/purchase_bot_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "purchase_bot/static/tests/tours/**/*",
        ],
    },
}
