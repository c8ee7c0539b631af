import { loadBundle } from "@web/core/assets";
import { getColor } from "@web/core/colors/colors";
import { cookie } from "@web/core/browser/cookie";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { Component, onWillStart, useEffect, useRef } from "@odoo/owl";

/**
 * A product's demand history, its forecast and the 80% band around it, as one line chart.
 * The data comes from the product's `forecast_chart` JSON field.
 */
export class ForecastChart extends Component {
    static template = "purchase_forecast.ForecastChart";
    static props = { ...standardFieldProps };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.record.data[this.props.name]]
        );
    }

    get data() {
        return this.props.record.data[this.props.name];
    }

    renderChart() {
        this.chart?.destroy();
        if (!this.data || !this.canvasRef.el) {
            return;
        }
        this.chart = new Chart(this.canvasRef.el, this.chartConfig());
    }

    chartConfig() {
        const { history, forecast, labels } = this.data;
        const dates = [...history.dates, ...forecast.dates].map((date) => this.formatPeriod(date));
        const pad = (values, before, after) => [
            ...Array(before).fill(null),
            ...values,
            ...Array(after).fill(null),
        ];
        const nHistory = history.dates.length;
        const nForecast = forecast.dates.length;
        const scheme = cookie.get("color_scheme");
        const historyColor = getColor(1, scheme, "odoo");
        const forecastColor = getColor(0, scheme, "odoo");
        return {
            type: "line",
            data: {
                labels: dates,
                datasets: [
                    {
                        label: labels.history,
                        data: pad(history.values, 0, nForecast),
                        borderColor: historyColor,
                        backgroundColor: historyColor,
                        spanGaps: false,
                        tension: 0,
                    },
                    {
                        label: labels.band,
                        data: pad(forecast.high, nHistory, 0),
                        borderColor: "transparent",
                        backgroundColor: forecastColor + "33",
                        pointRadius: 0,
                        fill: "+1",
                    },
                    {
                        label: "",
                        data: pad(forecast.low, nHistory, 0),
                        borderColor: "transparent",
                        pointRadius: 0,
                        fill: false,
                    },
                    {
                        label: labels.forecast,
                        data: pad(forecast.mean, nHistory, 0),
                        borderColor: forecastColor,
                        backgroundColor: forecastColor,
                        borderDash: [6, 4],
                        tension: 0,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: {
                        labels: { filter: (item) => Boolean(item.text) },
                    },
                    tooltip: {
                        callbacks: {
                            label: (ctx) =>
                                `${ctx.dataset.label || _t("Low")}: ${formatFloat(ctx.parsed.y)} ${
                                    this.data.uom || ""
                                }`,
                        },
                    },
                },
                scales: {
                    y: {
                        beginAtZero: true,
                        ticks: { callback: (value) => formatFloat(value, { trailingZeros: false }) },
                    },
                    x: { type: "category" },
                },
            },
        };
    }

    /** A period's start in the user's language: "янв. 2025" / "Jan 2025", a week's date. */
    formatPeriod(date) {
        const day = deserializeDate(date);
        if (!day.isValid) {
            return date;
        }
        return this.data.period === "week" ? formatDate(day) : day.toFormat("LLL yyyy");
    }
}

export const forecastChart = {
    component: ForecastChart,
    displayName: _t("Forecast chart"),
    supportedTypes: ["json"],
};

registry.category("fields").add("purchase_forecast_chart", forecastChart);
