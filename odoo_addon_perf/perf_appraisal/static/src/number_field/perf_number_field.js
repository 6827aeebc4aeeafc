/** @odoo-module **/
// A number as the scheme writes it: 8,888, 0.5, 6,000 — not 8,888.0000, the four decimals a
// Float(16, 4) column stores so that 0.3333 or 1.25 points fit. While typing it is the value itself.

import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { formatFloat } from "@web/views/fields/formatters";

export class PerfNumberField extends FloatField {
    get formattedValue() {
        if (this.props.inputType === "number" && !this.props.readonly && this.value) {
            return this.value;
        }
        return formatFloat(this.value, {
            digits: this.props.digits,
            field: this.props.record.fields[this.props.name],
            trailingZeros: false,
        });
    }
}

registry.category("fields").add("perf_number", { ...floatField, component: PerfNumberField });
