/** @odoo-module **/
// A month as its users click it, in Chinese: an employee fills her 工作计划表, a head nurse
// records a 表扬 dated outside every cycle and is warned, HR gives a village clinic its
// agricultural population on the department's 绩效 tab, the director approves a mixed selection, a
// nurse reads the answer to her appeal.

import { registry } from "@web/core/registry";

const item = (row) => `.modal .o_field_widget[name='item_ids'] .o_data_row:nth-child(${row})`;
const status = (row, label) => [
    { trigger: `${item(row)} td[name='status']`, run: "click" },
    { trigger: `${item(row)} td[name='status'] select`, run: `selectByLabel ${label}` },
];

registry.category("web_tour.tours").add("perf_worksheet_zh_tour", {
    url: "/web#action=perf_appraisal.perf_score_action_to_rate",
    steps: () => [
        // To Rate groups her lines by cycle
        { trigger: ".o_group_header:contains('2024-Q2')", run: "click" },
        { trigger: ".o_data_row:contains('2024-06') button[name='action_open_worksheet']", run: "click" },
        { trigger: ".modal .o_field_widget[name='item_ids'] .o_data_row:contains('常规工作')" },
        // the five routine items done, one other work item: 5 × 8 + 1 × 8 = 48
        ...status(1, "完成"), ...status(2, "完成"), ...status(3, "完成"), ...status(4, "完成"), ...status(5, "完成"),
        { trigger: ".modal .o_field_widget[name='extra_ids'] .o_data_row:nth-child(1) td[name='count']", run: "click" },
        { trigger: ".modal .o_field_widget[name='extra_ids'] .o_data_row:nth-child(1) td[name='count'] input", run: "edit 1" },
        { trigger: ".modal .o_field_widget[name='item_ids'] .o_data_row:nth-child(6) td[name='description']", run: "click" },
        { trigger: ".modal .o_field_widget[name='explanation']:contains('常规工作 40 + 阶段工作 0 + 其他工作 1 × 8 = 48')" },
        { trigger: ".modal footer button[name='action_apply']", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        // rated by its sheet, June leaves her lines to fill
        { trigger: ".o_list_view:not(:has(.o_data_row:contains('2024-06')))" },
    ],
});

registry.category("web_tour.tours").add("perf_event_outside_zh_tour", {
    url: "/web#action=perf_appraisal.perf_event_action",
    steps: () => [
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name='employee_id'] input", run: "edit 张三" },
        { trigger: ".o-autocomplete--dropdown-item:contains('张三')", run: "click" },
        { trigger: ".o_field_widget[name='event_type_id'] input", run: "edit 表扬" },
        { trigger: ".o-autocomplete--dropdown-item:contains('表扬')", run: "click" },
        // the date defaults into the open month: no warning
        { trigger: ".o_form_view:not(:has(.alert-warning:visible))" },
        { trigger: ".o_field_widget[name='date'] input", run: "edit 2024年08月15日" },
        { trigger: ".o_field_widget[name='note'] textarea", run: "click" },
        { trigger: ".o_form_view .alert-warning:contains('2024-08-15'):contains('2024-06')" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
    ],
});

registry.category("web_tour.tours").add("perf_unit_attributes_zh_tour", {
    url: "/web#action=hr.hr_department_tree_action",
    steps: () => [
        { trigger: ".o_data_row:contains('东村卫生室') td.o_data_cell", run: "click" },
        { trigger: ".o_form_view .o_notebook a:contains('绩效')", run: "click" },
        { trigger: ".o_field_widget[name='perf_attribute_ids'] .o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".o_field_widget[name='definition_id'] input", run: "edit 农业" },
        { trigger: ".o-autocomplete--dropdown-item:contains('农业户籍人口')", run: "click" },
        { trigger: ".o_field_widget[name='number_value'] input", run: "edit 1800" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: ".o_field_widget[name='perf_attribute_ids'] .o_data_row:contains('农业户籍人口'):contains('1,800')" },
    ],
});

// The director approves the whole month at once: ward-3 is confirmed by its head nurse, the emergency
// ward not yet — ward-3 is approved, the others are listed with the reason in a sticky warning.
registry.category("web_tour.tours").add("perf_bulk_approve_zh_tour", {
    url: "/web#action=perf_appraisal.perf_appraisal_action",
    steps: () => [
        { trigger: ".o_list_view .o_data_row:contains('张三')" },
        { trigger: ".o_list_view thead .o_list_record_selector input", run: "click" },
        { trigger: ".o_list_selection_container button:contains('批准')", run: "click" },
        { trigger: ".o_notification:contains('3 条未处理'):contains('钱七'):contains('直接上级尚未确认')" },
        { trigger: ".o_notification:contains('4')" },
    ],
});

// 赵六's appeal was answered by HR: the answer is in her inbox, in Chinese.
registry.category("web_tour.tours").add("perf_appeal_answer_reaches_her_zh_tour", {
    url: "/web#action=mail.action_discuss",
    steps: () => [
        { trigger: ".o-mail-DiscussSidebar, .o-mail-Discuss" },
        { trigger: ".o-mail-Message:contains('您的申诉已'):contains('复核后维持原评分')" },
    ],
});

// The patient-survey clerk enters May's satisfaction scores from her sheet: To Rate ▸ 表格录入, the
// filled CSV chosen in the dialog, 导入. (The test leaves the filled sheet as her attachment
// tour-sheet.csv: a browser cannot type a file.)
registry.category("web_tour.tours").add("perf_owner_sheet_upload_zh_tour", {
    url: "/web#action=perf_appraisal.perf_score_action_to_rate",
    steps: () => [
        { trigger: ".o_list_view .o_group_header, .o_list_view .o_data_row" },
        { trigger: ".o_control_panel button:contains('表格录入'), .o_list_view button:contains('表格录入')", run: "click" },
        { trigger: ".modal .o_field_widget[name='cycle_id']:contains('2024-05')" },
        {
            trigger: ".modal .o_field_widget[name='data'] input[type='file']:not(:visible)",
            async run() {
                const response = await fetch("/web/dataset/call_kw/ir.attachment/search_read", {
                    method: "POST", headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: {
                        model: "ir.attachment", method: "search_read",
                        args: [[["name", "=", "tour-sheet.csv"]], ["raw"]], kwargs: {} } }),
                });
                const text = (await response.json()).result[0].raw;
                const transfer = new DataTransfer();
                transfer.items.add(new File([text], "sheet.csv", { type: "text/csv" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        { trigger: ".modal footer button[name='action_import']", run: "click" },
        { trigger: ".modal .o_field_widget[name='result']:contains('已导入 7 个值')" },
    ],
});

// HR prints the month's notices at once: the list's selection ▸ 打印 ▸ 考核结果通知书. The download
// is an XMLHttpRequest the web client makes: the tour waits for its answer (200, one file).
registry.category("web_tour.tours").add("perf_batch_print_zh_tour", {
    url: "/web#action=perf_appraisal.perf_appraisal_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('张三')",
            run() {
                const open = XMLHttpRequest.prototype.open;
                XMLHttpRequest.prototype.open = function (method, url, ...rest) {
                    if (String(url).includes("/report/download")) {
                        this.addEventListener("loadend", () => {
                            document.body.dataset.perfPrinted = `${this.status} ${this.getResponseHeader("Content-Disposition") || ""}`;
                        });
                    }
                    return open.call(this, method, url, ...rest);
                };
            },
        },
        { trigger: ".o_list_view thead .o_list_record_selector input", run: "click" },
        { trigger: ".o_control_panel button:has(.fa-print)", run: "click" },
        { trigger: ".o-dropdown-item:contains('考核结果通知书')", run: "click" },
        { trigger: "body[data-perf-printed^='200 ']" },
        { trigger: "body:not(:has(.o_error_dialog))" },
    ],
});
