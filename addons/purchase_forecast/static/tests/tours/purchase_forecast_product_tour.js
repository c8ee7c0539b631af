import { registry } from "@web/core/registry";

import { openProduct } from "./purchase_forecast_tour_steps";

/**
 * Issue 9, tour 2 (a Forecast User): a product with 24 months of history shows its forecast
 * (smart button, "Demand Forecast" tab with the explanation and a chart of history and
 * forecast), then the forecast lines pivot is grouped by product category, and Demand
 * Patterns names each product's method in words ("Theta method"), not by its key.
 * The data comes from TestTours.test_forecast_tour: "PF Tour Copy Paper" has 24 months of
 * history and a 6-month forecast; categories "PF Tour Office" and "PF Tour Cleaning".
 */

function fail(message) {
    throw new Error(message);
}

/** How many points of a Chart.js dataset hold a number. */
function countPoints(dataset) {
    return dataset.data.filter((value) => typeof value === "number").length;
}

registry.category("web_tour.tours").add("purchase_forecast_product_tour", {
    steps: () => [
        ...openProduct("PF Tour Copy Paper"),
        {
            content: "The Forecast smart button shows the next period's forecast",
            trigger: 'button[name="action_open_forecast"] .o_stat_value',
            run({ anchor }) {
                const value = parseFloat(anchor.textContent.replace(/[^\d.]/g, ""));
                if (!(value > 0)) {
                    fail(`The Forecast smart button shows "${anchor.textContent}", not a demand`);
                }
            },
        },
        {
            content: "Open the Demand Forecast tab",
            trigger: '.o_notebook a[name="demand_forecast"]',
            run: "click",
        },
        {
            content: "The forecast is explained in words, without the engine's method ids",
            trigger:
                '.o_purchase_forecast_explanation:contains("Smooth: about"):contains("per month"):contains("forecast by")',
            run({ anchor }) {
                const ids = anchor.textContent.match(/\b[a-z]+_[a-z_]+\b/);
                if (ids) {
                    fail(`The explanation shows the internal name "${ids[0]}"`);
                }
            },
        },
        {
            content: "The chart is drawn",
            trigger: ".o_purchase_forecast_chart canvas",
            run: "canvasNotEmpty",
        },
        {
            content: "The chart holds 24 months of history and a 6-month forecast with its band",
            trigger: ".o_purchase_forecast_chart canvas",
            run({ anchor }) {
                const chart = window.Chart?.getChart(anchor);
                if (!chart) {
                    fail("No chart is attached to the forecast canvas");
                }
                const [history, band, , forecast] = chart.data.datasets;
                const counts = [history, band, forecast].map(countPoints);
                if (counts.join() !== "24,6,6") {
                    fail(`history, band and forecast points: ${counts.join()} instead of 24,6,6`);
                }
                if (chart.data.labels.length !== 30) {
                    fail(`${chart.data.labels.length} periods on the x axis instead of 24 + 6`);
                }
                const lastHistory = history.data.findLastIndex((v) => typeof v === "number");
                const firstForecast = forecast.data.findIndex((v) => typeof v === "number");
                if (firstForecast !== lastHistory + 1) {
                    fail(`the forecast starts at period ${firstForecast}, history ends at ${lastHistory}`);
                }
                const sheet = anchor.closest(".o_form_sheet");
                if (anchor.clientWidth < sheet.clientWidth / 2) {
                    fail(`the chart is ${anchor.clientWidth}px wide in a ${sheet.clientWidth}px form`);
                }
                if (history.label !== "History" || forecast.label !== "Forecast") {
                    fail(`legend "${history.label}" / "${forecast.label}"`);
                }
            },
        },
        {
            content: "The smart button opens the product's forecast lines",
            trigger: 'button[name="action_open_forecast"]',
            run: "click",
        },
        {
            content: "A graph of the product's forecast",
            trigger: ".o_graph_renderer canvas",
            run: "canvasNotEmpty",
        },
        {
            content: "Open Purchase → Forecasting → Forecast",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.purchase_forecast_line_menu"]',
            run: "click",
        },
        {
            content: "The pivot of forecast lines shows the current quantity forecasts",
            trigger: ".o_pivot_view .o_pivot table",
        },
        {
            trigger: '.o_searchview_facet:contains("Published Forecasts")',
        },
        {
            trigger: '.o_searchview_facet:contains("Quantities")',
        },
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Group by product category",
            trigger: '.o_group_by_menu .o_menu_item:contains("Product Category")',
            run: "click",
        },
        {
            content: "The grouping shows in the search bar",
            trigger: '.o_searchview_facet:contains("Product Category")',
        },
        {
            content: "One row per category, each with a forecast quantity",
            trigger: '.o_pivot tbody th:contains("PF Tour Cleaning")',
            run() {
                const rows = [...document.querySelectorAll(".o_pivot tbody tr")];
                const headers = rows.map((row) => row.querySelector("th").textContent.trim());
                for (const name of ["PF Tour Office", "PF Tour Cleaning"]) {
                    const row = rows[headers.findIndex((header) => header.includes(name))];
                    if (!row) {
                        fail(`No pivot row for category ${name}; rows: ${headers.join(" | ")}`);
                    }
                    const total = row.querySelector("td:last-child").textContent;
                    if (!(parseFloat(total.replace(/[^\d.]/g, "")) > 0)) {
                        fail(`Category ${name} totals "${total}"`);
                    }
                }
            },
        },
        {
            content: "Count the lines too",
            trigger: '.o_pivot_view button:contains("Measures")',
            run: "click",
        },
        {
            trigger: '.o-dropdown-item:contains("Count")',
            run: "click",
        },
        {
            content: "Each product counts once, from the latest run: 2 × 6 office lines, 6 cleaning",
            trigger: '.o_pivot thead th:contains("Count")',
            run() {
                const counts = {};
                for (const row of document.querySelectorAll(".o_pivot tbody tr")) {
                    const header = row.querySelector("th").textContent.trim();
                    counts[header] = row.querySelector("td:last-child").textContent.trim();
                }
                const office = counts["PF Tour Office"];
                const cleaning = counts["PF Tour Cleaning"];
                if (office !== "12" || cleaning !== "6") {
                    fail(`forecast lines counted: office ${office}, cleaning ${cleaning}`);
                }
            },
        },
        {
            content: "Open Purchase → Forecasting → Demand Patterns",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.purchase_forecast_result_menu"]',
            run: "click",
        },
        {
            content: "Each product's method is named in words, not by the engine's key",
            trigger: '.o_list_view .o_data_row:contains("PF Tour Copy Paper") td[name="method"]',
            run({ anchor }) {
                const cells = [...document.querySelectorAll('.o_list_view td[name="method"]')];
                for (const cell of cells) {
                    const text = cell.textContent.trim();
                    if (!text || /^[a-z_]+$/.test(text)) {
                        fail(`Demand Patterns shows the method "${text}"`);
                    }
                }
                if (!/[A-Z]/.test(anchor.textContent)) {
                    fail(`the paper's method reads "${anchor.textContent}"`);
                }
            },
        },
    ],
});
