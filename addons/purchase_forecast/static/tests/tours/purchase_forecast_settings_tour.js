import { registry } from "@web/core/registry";

/**
 * Issue 9, tour 4 (a Forecast Manager): the default horizon (12 → 18 months) and service
 * level (95 → 97.5%) are changed and saved in Forecasting → Configuration → Settings, and a
 * new forecast run starts with them and forecasts 18 months for each of the 3 products with
 * history. Data: TestTours.test_settings_tour.
 */

function fail(message) {
    throw new Error(message);
}

function expectValue(expected) {
    return ({ anchor }) => {
        if (anchor.value !== expected) {
            fail(`"${anchor.value}" instead of "${expected}"`);
        }
    };
}

registry.category("web_tour.tours").add("purchase_forecast_settings_tour", {
    steps: () => [
        {
            content: "Open Purchase → Forecasting → Configuration → Settings",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.res_config_settings_menu"]',
            run: "click",
        },
        {
            content: "The defaults before: 12 periods ahead",
            trigger: '.modal .o_form_view div[name="forecast_horizon"] input',
            run: expectValue("12"),
        },
        {
            content: "Forecast 18 periods ahead",
            trigger: '.modal .o_form_view div[name="forecast_horizon"] input',
            run: "edit 18 && click .modal-body",
        },
        {
            content: "Serve 97.5% of demand from stock",
            trigger: '.modal .o_form_view div[name="forecast_service_level"] input',
            run: "edit 97.5 && click .modal-body",
        },
        {
            content: "Both values are taken by the form before saving",
            trigger: '.modal .o_form_view div[name="forecast_horizon"] input',
            run: expectValue("18"),
        },
        {
            trigger: '.modal .o_form_view div[name="forecast_service_level"] input',
            run: expectValue("97.50"),
        },
        {
            content: "Save the settings",
            trigger: '.modal button[name="action_save"]',
            run: "click",
        },
        {
            content: "Odoo confirms and closes the dialog",
            trigger: ".o_notification:contains(Forecast settings saved)",
        },
        {
            content: "The dialog is gone",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the settings again",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.res_config_settings_menu"]',
            run: "click",
        },
        {
            // Odoo shows a new record's last defaults from its browser cache at once, then
            // the server's: wait for the saved value instead of reading the first one shown
            content: "The horizon is 18",
            trigger: '.modal .o_form_view div[name="forecast_horizon"] input:value("18")',
        },
        {
            content: "and the service level 97.5%",
            trigger: '.modal .o_form_view div[name="forecast_service_level"] input:value("97.50")',
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "Open Purchase → Forecasting → Forecast Runs",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.purchase_forecast_run_menu"]',
            run: "click",
        },
        {
            content: "Start a new run",
            trigger: '.o_list_view:has(th[data-name="date_start"]) .o_list_button_add',
            run: "click",
        },
        {
            content: "The new run takes the saved horizon",
            trigger: '.o_form_view div[name="horizon"] input:value("18")',
        },
        {
            content: "and the saved service level",
            trigger: '.o_form_view div[name="service_level"] input:value("97.50")',
        },
        {
            content: "Run it now",
            trigger: '.o_form_view button[name="action_run"]',
            run: "click",
        },
        {
            content: "The run is done",
            trigger: '.o_statusbar_status button[data-value="done"][aria-checked="true"]',
        },
        {
            content: "with 18 months for each of the 3 products",
            trigger: 'button[name="action_open_lines"] .o_stat_value:text("54")',
        },
        {
            trigger: 'button[name="action_open_results"] .o_stat_value:text("3")',
        },
        {
            trigger: '.o_form_view div[name="horizon"]:text("18")',
        },
        {
            content: "Publish it: plans, products and the bot now read this run",
            trigger: '.o_form_view button[name="action_publish"]',
            run: "click",
        },
        {
            content: "The run wears the Published ribbon",
            trigger: '.o_form_view .ribbon:contains("Published")',
        },
    ],
});
