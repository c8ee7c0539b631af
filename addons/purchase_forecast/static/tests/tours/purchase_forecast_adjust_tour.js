import { registry } from "@web/core/registry";

import { computePlanFor, openProduct } from "./purchase_forecast_tour_steps";

/**
 * Issue 23 (a Forecast User): the buyer adjusts a product's published forecast from its
 * "Demand Forecast" tab (+50% for the next three months, "New clinic opens"), then a purchase
 * plan for the product's category orders more paper than before and its line names the
 * adjustment and its author ("+50%: New clinic opens, by Tour Buyer").
 * Data: TestTours.test_adjust_tour (which also checks the quantities against a plan computed
 * before the adjustment).
 */

const PAPER_ROW = '.o_field_widget[name="line_ids"] .o_data_row:contains("PF Tour Copy Paper")';

registry.category("web_tour.tours").add("purchase_forecast_adjust_tour", {
    steps: () => [
        ...openProduct("PF Tour Copy Paper"),
        {
            content: "Open the Demand Forecast tab",
            trigger: '.o_notebook a[name="demand_forecast"]',
            run: "click",
        },
        {
            content: "Adjust the forecast",
            trigger: '.o_form_view button[name="action_adjust_forecast"]',
            run: "click",
        },
        {
            content: "The dialog adjusts this product by a percentage",
            trigger: '.modal .o_form_view div[name="product_id"] input',
            run({ anchor }) {
                if (!anchor.value.includes("PF Tour Copy Paper")) {
                    throw new Error(`the dialog adjusts "${anchor.value}", not the paper`);
                }
            },
        },
        {
            trigger: '.modal .o_form_view div[name="kind"] input[data-value="percent"]:checked',
        },
        {
            content: "+50%",
            trigger: '.modal .o_form_view div[name="value"] input',
            run: "edit 50",
        },
        {
            content: "Why: a new clinic opens",
            trigger: '.modal .o_form_view div[name="reason"] input',
            run: "edit New clinic opens",
        },
        {
            content: "Save the adjustment",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        ...computePlanFor("PF Tour Office"),
        {
            content: "The paper line names the adjustment and who made it",
            trigger: `${PAPER_ROW} td[name="short_reason"]:contains("+50%: New clinic opens, by Tour Buyer")`,
        },
    ],
});
