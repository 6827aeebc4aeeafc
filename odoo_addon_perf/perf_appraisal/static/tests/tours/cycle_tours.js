/** @odoo-module **/
// The web client in Chinese: an HR officer runs a nursing cycle from New to Publish, watching
// its progress; a nurse reads her result (良好) with its breakdown and appeals; HR approves a
// selection of appraisals in one action.  Buttons are found by their method, texts in Chinese.

import { registry } from "@web/core/registry";

const cell = (row, column) => `tr[data-row]:nth-child(${row}) td[data-column='${column}']`;
const enter = (row, column, value) => [
    { trigger: `${cell(row, column)} input`, run: `edit ${value}` },
    { trigger: `${cell(row, column)} input`, run: "press Enter" },
    { trigger: `${cell(row, column)}.o_saved` },
];
const button = (name) => ({ trigger: `.o_form_view .o_form_statusbar button[name='${name}']`, run: "click" });

registry.category("web_tour.tours").add("perf_cycle_zh_tour", {
    url: "/web#action=perf_appraisal.perf_cycle_action",
    steps: () => [
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name='name'] input", run: "edit 2024-07 护理绩效" },
        { trigger: ".o_field_widget[name='scheme_id'] input", run: "edit 护士绩效" },
        { trigger: ".o-autocomplete--dropdown-item:contains('护士绩效奖金')", run: "click" },
        { trigger: ".o_field_widget[name='date_from'] input", run: "edit 2024年07月01日" },
        { trigger: ".o_field_widget[name='date_to'] input", run: "edit 2024年07月31日" },
        { trigger: ".o_notebook a:contains('参加人员')", run: "click" },
        { trigger: ".o_field_widget[name='employee_ids'] input", run: "edit 巡回" },
        { trigger: ".o-autocomplete--dropdown-item:contains('巡回甲')", run: "click" },
        { trigger: ".o_field_widget[name='employee_ids'] .o_tag:contains('巡回甲')" },
        { trigger: ".o_field_widget[name='employee_ids'] input", run: "edit 巡回乙" },
        { trigger: ".o-autocomplete--dropdown-item:contains('巡回乙')", run: "click" },
        { trigger: ".o_field_widget[name='employee_ids'] .o_tag:contains('巡回乙')" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        button("action_start"),
        { trigger: ".o_notification:contains('已启动：2 份考核')" },
        // progress: 2 nurses × 4 lines (护士长, 护理部, failing cases, 患者; the checklist opens on demand)
        { trigger: ".o_form_view .o_row:contains('0 / 8')" },
        button("action_open_rating"),
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('评分中')" },
        button("action_open_score_grid"),
        { trigger: ".o_perf_score_grid" },
        // HR opens the 护士长 checklist for both: its ten items become columns (2 × 10 more lines)
        { trigger: "th[data-column='head_nurse|superior|'] .o_perf_grid_open_items", run: "click" },
        { trigger: "th[data-column='hn_completion|superior|']" },
        { trigger: "th[data-column='hn_service|superior|']" },
        ...enter(1, "head_nurse|superior|", "90"),
        ...enter(2, "head_nurse|superior|", "80"),
        ...enter(1, "nursing_dept|nursing_dept|", "95"),
        ...enter(2, "nursing_dept|nursing_dept|", "85"),
        ...enter(1, "patient|patient|", "92"),
        ...enter(2, "patient|patient|", "70"),
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains('2024-07 护理绩效')", run: "click" },
        // every line done: the given scores settle the opened items and the failing-case counts
        { trigger: ".o_form_view .o_row:contains('28 / 28')" },
        button("action_calibrate"),
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('校准')" },
        button("action_to_approval"),
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('审批')" },
        { trigger: ".o_form_view button.oe_stat_button:contains('考核')", run: "click" },
        { trigger: ".o_list_view .o_data_row" },
        { trigger: ".o_list_view thead .o_list_record_selector input", run: "click" },
        { trigger: ".o_list_selection_container button[name='action_confirm']", run: "click" },
        { trigger: ".o_notification:contains('已确认 2 份考核')" },
        { trigger: ".o_list_view thead .o_list_record_selector input", run: "click" },
        { trigger: ".o_list_selection_container button[name='action_approve']", run: "click" },
        { trigger: ".o_notification:contains('已审批 2 份考核')" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains('2024-07 护理绩效')", run: "click" },
        button("action_publish"),
        { trigger: ".o_notification:contains('已发布')" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('已公布')" },
    ],
});

registry.category("web_tour.tours").add("perf_nurse_appeal_zh_tour", {
    url: "/web#action=perf_appraisal.perf_appraisal_action_my",
    steps: () => [
        { trigger: ".o_kanban_record:contains('良好')", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name='final_grade_id']:contains('良好')" },
        // the breakdown in Chinese: quota moved 优秀 to 良好 in the ward
        { trigger: ".o_form_view .o_perf_breakdown td:contains('优秀名额已满，调整为良好')" },
        { trigger: ".o_form_view .alert-info:contains('可在')" },
        { trigger: ".o_form_view .o_form_statusbar button[name='action_appeal']", run: "click" },
        { trigger: ".modal .o_field_widget[name='reason'] textarea", run: "edit 本月护理质量评分有误，请复核。" },
        { trigger: ".modal .o_form_button_save", run: "click" },
        { trigger: "body:not(:has(.modal))" },
    ],
});

registry.category("web_tour.tours").add("perf_bulk_approve_tour", {
    url: "/web#action=perf_appraisal.perf_appraisal_action",
    steps: () => [
        { trigger: ".o_list_view .o_data_row" },
        { trigger: ".o_list_view thead .o_list_record_selector input", run: "click" },
        { trigger: ".o_list_selection_container button[name='action_approve']", run: "click" },
        { trigger: ".o_notification:contains('已审批 7 份考核。')" },
    ],
});
