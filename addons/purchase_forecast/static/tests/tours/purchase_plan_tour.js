import { registry } from "@web/core/registry";

import { computePlanFor } from "./purchase_forecast_tour_steps";

/**
 * Issue 9, tour 3 (a Forecast User): a purchase plan made from the menu for the category
 * "PF Tour Office" (Copy Paper from PF Tour Paper Mill, Toner from PF Tour Toner Works, both
 * with 30 days lead time and nothing in stock) is computed; its summary counts 2 lines to
 * order from 2 vendors, its scope reads as the chosen categories, each line says why in one
 * sentence ("Order N: about M needed in the next 60 days, none in stock"), the buyer
 * orders 444 reams of paper instead of the suggestion, creates the RFQs, finds 444 in the
 * paper mill's draft RFQ, and updating the RFQs still gives one RFQ per vendor.
 * Data: TestTours.test_plan_tour.
 */

const LINES = '.o_field_widget[name="line_ids"]';
const PAPER_ROW = `${LINES} .o_data_row:contains("PF Tour Copy Paper")`;

function fail(message) {
    throw new Error(message);
}

/** Steps checking that the RFQ list shows exactly one draft RFQ per vendor of the plan. */
function oneRfqPerVendor(when) {
    return [
        {
            content: `${when}: the RFQ list shows the paper mill's and the toner works' RFQs`,
            trigger:
                '.o_view_controller.o_list_view .o_list_renderer:has(.o_data_row:contains("PF Tour Paper Mill")):has(.o_data_row:contains("PF Tour Toner Works"))',
            run({ anchor }) {
                const rows = anchor.querySelectorAll(".o_data_row");
                if (rows.length !== 2) {
                    fail(`${when}: ${rows.length} RFQs instead of one per vendor (2)`);
                }
            },
        },
    ];
}

registry.category("web_tour.tours").add("purchase_forecast_plan_tour", {
    steps: () => [
        ...computePlanFor("PF Tour Office"),
        {
            content: "The summary counts two lines to order from two vendors",
            trigger:
                '.o_form_view button[name="action_open_lines"]:has(.o_stat_text:contains("To Order")) .o_stat_value:contains("2")',
        },
        {
            trigger:
                '.o_form_view button[name="action_open_lines"]:has(.o_stat_text:contains("Vendors")) .o_stat_value:contains("2")',
        },
        {
            trigger:
                '.o_form_view button[name="action_open_lines"]:has(.o_stat_text:contains("Expected Service")) .o_stat_value',
            run({ anchor }) {
                const service = parseFloat(anchor.textContent.replace(/[^\d.]/g, ""));
                if (!(service >= 50 && service <= 100)) {
                    fail(`the plan's expected service reads "${anchor.textContent}"`);
                }
                const form = anchor.closest(".o_form_view");
                const labels = [...form.querySelectorAll(".o_stat_text")].map((el) => el.textContent);
                if (labels.some((label) => label.includes("Need a Vendor"))) {
                    fail("a line needs a vendor though both products have one");
                }
            },
        },
        {
            content: "The scope reads as the chosen category, not as a list of products",
            trigger:
                '.o_form_view div[name="scope_description"]:contains("All purchasable products of the chosen categories")',
            run() {
                if (document.querySelector('.o_form_view div[name="product_ids"]')) {
                    fail("the computed plan still shows its products as tags");
                }
            },
        },
        {
            content: "Each product to order has a line that says why in one sentence",
            trigger: `${PAPER_ROW} td[name="short_reason"]:contains("needed in the next 60 days, none in stock")`,
            run({ anchor }) {
                if (!/^Order \d+: about \d+ needed/.test(anchor.textContent.trim())) {
                    fail(`the paper's reason reads "${anchor.textContent}"`);
                }
            },
        },
        {
            trigger: `${LINES} .o_data_row:contains("PF Tour Toner") td[name="short_reason"]:contains("none in stock")`,
            run({ anchor }) {
                const rows = [...anchor.closest(".o_list_renderer").querySelectorAll(".o_data_row")];
                if (rows.length !== 2) {
                    fail(`${rows.length} plan lines instead of 2 (paper and toner)`);
                }
                const paper = rows.find((row) => row.textContent.includes("PF Tour Copy Paper"));
                const quantity = paper.querySelector('td[name="quantity"]');
                const suggested = parseFloat(quantity.textContent.replace(/[^\d.]/g, ""));
                if (!(suggested > 0) || suggested === 444) {
                    fail(`the suggested paper quantity is "${quantity.textContent}"`);
                }
            },
        },
        {
            content: "Change the paper quantity",
            trigger: `${PAPER_ROW} td[name="quantity"]`,
            run: "click",
        },
        {
            trigger: `${LINES} .o_selected_row td[name="quantity"] input`,
            run: "edit 444 && click .o_form_view .o_form_sheet_bg",
        },
        {
            content: "The line takes the new quantity",
            trigger: `${PAPER_ROW}:not(.o_selected_row) td[name="quantity"]:contains("444")`,
        },
        {
            content: "Create the RFQs (saves the plan first)",
            trigger: '.o_form_view button[name="action_create_rfqs"]',
            run: "click",
        },
        ...oneRfqPerVendor("First run"),
        {
            content: "Open the paper mill's RFQ",
            trigger: '.o_list_view .o_data_row:contains("PF Tour Paper Mill") td[name="partner_id"]',
            run: "click",
        },
        {
            content: "It is a draft RFQ",
            trigger: '.o_statusbar_status button[data-value="draft"][aria-checked="true"]',
        },
        {
            content: "It orders the 444 reams the buyer chose",
            trigger:
                '.o_field_widget[name="order_line"] .o_data_row:contains("PF Tour Copy Paper") td[name="product_qty"]:contains("444.00")',
        },
        {
            content: "Back to the plan",
            trigger: '.o_breadcrumb .breadcrumb-item a:contains("PP/")',
            run: "click",
        },
        {
            content: "The plan has created its RFQs",
            trigger: '.o_statusbar_status button[data-value="done"][aria-checked="true"]',
        },
        {
            trigger: `${PAPER_ROW} td[name="quantity"]:contains("444")`,
        },
        {
            content: "Update the RFQs",
            trigger: '.o_form_view button[name="action_create_rfqs"]',
            run: "click",
        },
        ...oneRfqPerVendor("After the update"),
    ],
});
