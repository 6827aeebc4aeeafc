/** @odoo-module **/
// The performance dashboard: HR sees the open cycles (rating progress, deadlines, late raters),
// the grades of the latest computed cycle and the appeals waiting for an answer; a manager sees
// their team; everybody sees their own lines to rate and their published results.  Everything
// comes from perf.cycle.get_dashboard, read with the caller's rights.

import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

export class PerfDashboard extends Component {
    static template = "perf_appraisal.Dashboard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        this.display = { controlPanel: {} };
        onWillStart(async () => {
            this.state.data = await this.orm.call("perf.cycle", "get_dashboard", []);
        });
    }

    get maxGrade() {
        return Math.max(1, ...this.state.data.grades.map((g) => g.count));
    }

    open(model, id) {
        this.action.doAction({ type: "ir.actions.act_window", res_model: model, res_id: id,
                               views: [[false, "form"]] });
    }

    openToRate() {
        this.action.doAction("perf_appraisal.perf_score_action_to_rate");
    }
}

registry.category("actions").add("perf_dashboard", PerfDashboard);
