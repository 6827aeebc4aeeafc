/** @odoo-module **/
// HR opens a cycle's score grid, enters the patient-satisfaction column going down with Enter,
// and sees a value above the scale refused in its cell.  Then a head nurse rates in To Rate.

import { registry } from "@web/core/registry";

const column = "patient|patient|";
const cell = (row) => `tr[data-row]:nth-child(${row}) td[data-column='${column}']`;
// Enter moved the cursor down the column to this cell's input
const focused = (row) => ({
    trigger: `${cell(row)} input`,
    run() {
        if (document.activeElement !== this.anchor) {
            throw new Error(`Enter did not move to row ${row} of the column`);
        }
    },
});

registry.category("web_tour.tours").add("perf_score_grid_tour", {
    url: "/web#action=perf_appraisal.perf_cycle_action",
    steps: () => [
        { trigger: ".o_list_view .o_data_row td:contains('2024-05 grid')", run: "click" },
        { trigger: ".o_form_view button[name='action_open_score_grid']", run: "click" },
        { trigger: `.o_perf_score_grid th[data-column='${column}']` },
        { trigger: `${cell(1)} input`, run: "edit 91" },
        { trigger: `${cell(1)} input`, run: "press Enter" },
        { trigger: `${cell(1)}.o_saved` },
        focused(2),
        { trigger: `${cell(2)} input`, run: "edit 87" },
        { trigger: `${cell(2)} input`, run: "press Enter" },
        { trigger: `${cell(2)}.o_saved` },
        focused(3),
        { trigger: `${cell(3)} input`, run: "edit 250" },
        { trigger: `${cell(3)} input`, run: "press Enter" },
        { trigger: `${cell(3)}.o_invalid .o_perf_grid_error:contains('out of its scale 0..100')` },
        { trigger: `${cell(3)} input`, run: "edit 78" },
        { trigger: `${cell(3)} input`, run: "press Enter" },
        { trigger: `${cell(3)}.o_saved` },
    ],
});

registry.category("web_tour.tours").add("perf_to_rate_tour", {
    url: "/web#action=perf_appraisal.perf_score_action_to_rate",
    steps: () => [
        { trigger: ".o_list_view .o_group_header", run: "click" },
        { trigger: ".o_data_row td[name='name']:contains('护士长考核')" },
        { trigger: ".o_data_row:first td[name='value_input']", run: "click" },
        { trigger: ".o_data_row.o_selected_row td[name='value_input'] input", run: "edit 88" },
        { trigger: ".o_list_button_save", run: "click" },
        { trigger: ".o_data_row:first td[name='value_input']:contains('88')" },
    ],
});
