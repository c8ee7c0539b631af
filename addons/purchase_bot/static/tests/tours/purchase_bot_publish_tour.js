import { registry } from "@web/core/registry";

/**
 * Issue 23 (a Forecast Manager): a finished forecast run that is not yet the published one
 * is published from its form; the Published ribbon appears and the Publish button goes.
 * TestPublishTour then checks that the Telegram card of the product shows that run's numbers,
 * the same as the product's Demand Forecast tab.
 */

registry.category("web_tour.tours").add("purchase_bot_publish_tour", {
    steps: () => [
        {
            content: "A finished run, not published yet",
            trigger:
                '.o_form_view .o_statusbar_status button[data-value="done"][aria-checked="true"]',
        },
        {
            trigger: ".o_form_view:not(:has(.ribbon:contains(Published)))",
        },
        {
            content: "Publish it",
            trigger: '.o_form_view button[name="action_publish"]',
            run: "click",
        },
        {
            content: "It is the published forecast now",
            trigger: ".o_form_view .ribbon:contains(Published)",
        },
        {
            trigger: '.o_form_view:not(:has(button[name="action_publish"]))',
        },
    ],
});
