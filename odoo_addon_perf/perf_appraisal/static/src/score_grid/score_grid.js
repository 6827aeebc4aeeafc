/** @odoo-module **/
// The score grid: one row per appraisee, one column per input line (indicator × rater role /
// checklist item / sub-period), each cell typed in place and checked by the server as it is
// entered (perf.score.write); a refused value stays in its cell, marked, with the reason.

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

export class ScoreGrid extends Component {
    static template = "perf_appraisal.ScoreGrid";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ grid: null, filter: "", onlyMine: true, errors: {}, saved: {}, hidden: {}, notes: {} });
        this.display = { controlPanel: {} };
        onWillStart(() => this.load());
    }

    get cycleId() {
        const params = this.props.action.params || {};
        return params.cycle_id || (this.props.action.context || {}).active_id;
    }

    async load() {
        this.state.grid = await this.orm.call("perf.cycle", "get_score_grid", [[this.cycleId]]);
        // the title survives a reload of the page (the URL does not carry the action's name)
        this.env.config?.setDisplayName?.(this.state.grid.title);
        this.children = {};
        for (const column of this.state.grid.columns) {
            if (column.parent) {
                (this.children[column.parent] ||= []).push(column);
            }
        }
    }

    get columns() {
        const grid = this.state.grid;
        return grid.columns.filter(
            (column) =>
                !this.state.hidden[column.key] &&
                (!this.state.onlyMine || grid.rows.some((row) => row.cells[column.key]?.editable))
        );
    }

    get rows() {
        const needle = this.state.filter.trim().toLowerCase();
        return this.state.grid.rows.filter(
            (row) => !needle || row.name.toLowerCase().includes(needle) || row.group.toLowerCase().includes(needle)
        );
    }

    cellClass(cell) {
        if (!cell) {
            return "o_perf_grid_empty";
        }
        const classes = ["o_perf_grid_cell"];
        if (this.state.errors[cell.id]) {
            classes.push("o_invalid", "table-danger");
        } else if (this.state.saved[cell.id]) {
            classes.push("o_saved", "table-success");
        } else if (!cell.rated) {
            classes.push("o_unrated");
        }
        return classes.join(" ");
    }

    shown(cell) {
        if (this.state.errors[cell.id] && cell.typed !== undefined) {
            return cell.typed; // a refused value stays in its cell, red, until corrected
        }
        return cell.rated || cell.value ? String(cell.value) : "";
    }

    itemsTotal(row, column) {
        // the running total of an indicator's checklist items entered in this row
        const items = this.children[column.key] || [];
        const cells = items.map((c) => row.cells[c.key]).filter((cell) => cell && cell.rated);
        if (!cells.length) {
            return null;
        }
        const total = cells.reduce((sum, cell) => sum + Number(cell.value), 0);
        return { total: Math.round(total * 10000) / 10000, count: cells.length, of: items.length };
    }

    async openWorksheet(cell) {
        const action = await this.orm.call("perf.score", "action_open_worksheet", [[cell.id]]);
        await this.action.doAction(action, { onClose: () => this.load() });
    }

    async save(input, column, cell) {
        // called on Enter and on leaving the cell (a value set by a script fires no change event)
        const text = input.value.trim();
        if (text === "" || text === (cell.typed ?? this.shown(cell))) {
            return;
        }
        cell.typed = text;
        const number = Number(text.replace(",", "."));
        const vals = column.is_list ? { value_list: text } : { value: Number.isNaN(number) ? text : number };
        try {
            await this.orm.silent.write("perf.score", [cell.id], vals);
            cell.value = column.is_list ? text : vals.value;
            cell.rated = true;
            delete this.state.errors[cell.id];
            this.state.saved[cell.id] = true;
            // a score the scheme replaces (自评超过 90 分无效) is accepted, and said so
            if (column.cap !== false && typeof vals.value === "number" && vals.value > column.cap) {
                this.state.notes[cell.id] = column.cap_note;
            } else {
                delete this.state.notes[cell.id];
            }
        } catch (error) {
            this.state.errors[cell.id] = error.data?.message || error.message || _t("Refused");
            delete this.state.saved[cell.id];
        }
    }

    async onKeydown(ev, column, cell) {
        // Enter saves and goes down the column, as in a spreadsheet: no form per appraisee
        if (ev.key !== "Enter") {
            return;
        }
        ev.preventDefault();
        const input = ev.target;
        const td = input.closest("td");
        const next = td.parentElement.nextElementSibling?.children[td.cellIndex]?.querySelector("input");
        await this.save(input, column, cell);
        if (next) {
            next.focus();
            next.select();
        }
    }

    closedItems(column) {
        // the rows shown whose checklist of this indicator the caller may still open
        return this.rows.map((row) => row.cells[column.key]).filter((cell) => cell?.items_closed);
    }

    async openItems(column) {
        // the items become columns of their own (perf.score.action_rate_by_items checks each line)
        const ids = this.closedItems(column).map((cell) => cell.id);
        await this.orm.call("perf.score", "action_rate_by_items", [ids]);
        await this.load();
    }

    toggleColumn(column) {
        this.state.hidden[column.key] = !this.state.hidden[column.key];
    }
}

registry.category("actions").add("perf_score_grid", ScoreGrid);
