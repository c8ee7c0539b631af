import { inputFiles } from "@web/../tests/utils";
import { registry } from "@web/core/registry";

/**
 * Issue 9, tour 1 (a Forecast Manager): Purchase → Forecasting → Import File, upload a small
 * contract register (three executed contract lines, one terminated contract), see it
 * recognised and previewed (3 rows recognised, 1 skipped), import it, land on the import log.
 * Data and checks of what was written: TestImportTour.
 */

const REGISTER = [
    "ID СПГЗ;Наименование СПГЗ;Реестровый номер в РК;Статус контракта;Цена ГК, руб.;" +
        "Оплачено, руб.;Конечный код КПГЗ;Конечное наименование КПГЗ;Дата заключения;" +
        "Срок исполнения с",
    "90000001;Флипчарт тура;9100001;Исполнен;86040,13;86040,13;01.15.05.03.01;Флипчарты;" +
        "20.06.2025;28.06.2025",
    "90000002;Маркер тура;9100002;Исполнен;1200,00;1200,00;01.15.04.02;Маркеры;" +
        "10.09.2025;15.09.2025",
    "90000002;Маркер тура;9100003;Исполнение;900,00;0;01.15.04.02;Маркеры;" +
        "05.02.2026;10.02.2026",
    "90000003;Доска тура;9100004;Расторгнут;5000,00;0;01.15.05.03.02;Доски;" +
        "01.03.2026;05.03.2026",
].join("\n");

function previewRow(label, value) {
    return `.modal .o_purchase_forecast_import_preview tr:has(td:text("${label}")) td:last-child:text("${value}")`;
}

registry.category("web_tour.tours").add("purchase_forecast_import_tour", {
    steps: () => [
        {
            content: "Open Purchase → Forecasting → Import File",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.purchase_forecast_import_menu"]',
            run: "click",
        },
        {
            content: "Upload a contract register",
            trigger: '.modal div[name="file"]',
            async run() {
                const file = new File([REGISTER], "tour_register.csv", { type: "text/csv" });
                await inputFiles('.modal div[name="file"] input[type="file"]', [file]);
            },
        },
        {
            content: "The file is recognised as a contract register",
            trigger: '.modal div[name="detected_kind"]:contains("Contract register")',
        },
        {
            content: "Preview it",
            trigger: '.modal button[name="action_next"]',
            run: "click",
        },
        {
            content: "The preview: 3 contract lines recognised",
            trigger: previewRow("Rows recognised", "3"),
        },
        {
            content: "and the terminated contract skipped",
            trigger: previewRow("Rows skipped", "1"),
        },
        {
            content: "Import",
            trigger: '.modal button[name="action_import"]',
            run: "click",
        },
        {
            content: "The import log of the file",
            trigger: '.o_action_manager .o_form_view div[name="filename"]:contains("tour_register.csv")',
        },
        {
            trigger: '.o_action_manager .o_form_view div[name="created_count"]:text("3")',
        },
        {
            trigger: '.o_action_manager .o_form_view div[name="skipped_count"]:text("1")',
        },
    ],
});
