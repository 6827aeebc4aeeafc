/** @odoo-module **/
// The perf admin designs a scheme in the web client: adds an indicator, sees at once that the
// weights of the level now sum to 110, fixes another weight, saves and previews the results.

import { registry } from "@web/core/registry";

const indicators = ".o_field_widget[name='top_indicator_ids']";
const leaveRow = { trigger: ".o_form_view .o_notebook a:contains('Indicators')", run: "click" };

registry.category("web_tour.tours").add("perf_scheme_designer_tour", {
    url: "/web#action=perf_appraisal.perf_scheme_action",
    steps: () => [
        { trigger: ".o_list_view .o_data_row td:contains('护士绩效（设计）')", run: "click" },
        { trigger: ".o_form_view .o_notebook a:contains('Indicators')", run: "click" },
        { trigger: `${indicators} .o_field_x2many_list_row_add a`, run: "click" },
        { trigger: `${indicators} .o_selected_row .o_field_widget[name='code'] input`, run: "edit teamwork" },
        { trigger: `${indicators} .o_selected_row .o_field_widget[name='name'] input`, run: "edit 团队协作" },
        { trigger: `${indicators} .o_selected_row .o_field_widget[name='weight'] input`, run: "edit 10" },
        leaveRow,
        // 30 + 30 + 40 + 10: named before anything is saved
        { trigger: ".o_perf_design_problems:contains('sum to 110, expected 100')" },
        { trigger: `${indicators} .o_data_row:contains('患者满意度') td[name='weight']`, run: "click" },
        { trigger: `${indicators} .o_selected_row .o_field_widget[name='weight'] input`, run: "edit 30" },
        leaveRow,
        { trigger: ".o_form_view:not(:has(.o_perf_design_problems))" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: ".o_form_view .o_form_statusbar button[name='action_preview']", run: "click" },
        { trigger: ".modal .o_perf_preview tr:contains('张三')" },
        { trigger: ".modal .o_perf_preview tr:contains('李四')" },
    ],
});
