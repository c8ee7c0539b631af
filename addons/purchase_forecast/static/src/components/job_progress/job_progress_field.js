import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";
import { onMounted, onWillUnmount } from "@odoo/owl";

const REFRESH_MS = 3000;

/**
 * A progress bar for work done by background jobs: while the record's `state_field` holds one
 * of `working_states`, the record is reloaded every few seconds (unless the user is editing
 * it), so counts, the bar and failures show up live.
 */
export class JobProgressField extends ProgressBarField {
    static props = {
        ...ProgressBarField.props,
        stateField: { type: String },
        workingStates: { type: Array },
    };

    setup() {
        super.setup();
        let timer = null;
        onMounted(() => {
            timer = setInterval(() => this.refresh(), REFRESH_MS);
        });
        onWillUnmount(() => clearInterval(timer));
    }

    get working() {
        const { record, stateField, workingStates } = this.props;
        return workingStates.includes(record.data[stateField]);
    }

    async refresh() {
        const { record } = this.props;
        if (this.working && !record.dirty && !record.isNew) {
            await record.load();
        }
    }
}

export const jobProgressField = {
    ...progressBarField,
    component: JobProgressField,
    displayName: _t("Background Job Progress"),
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...progressBarField.extractProps(fieldInfo, dynamicInfo),
        stateField: fieldInfo.options.state_field || "state",
        workingStates: fieldInfo.options.working_states || ["queued", "running"],
    }),
};

registry.category("fields").add("purchase_forecast_job_progress", jobProgressField);
