"""The scheme designer's records ⇄ perfcore's scheme document, one to one.

``document_values`` reads a document (as written: ``$parameter`` references kept) into field
values of the designer's records; ``export_document`` writes the records back as the document
perfcore reads.  Both directions use the same field tables, so that what a form shows is what the
YAML says.  Parts of the language the forms do not show yet (sub-periods, KPI cards, eligibility,
annual roll-up, year-end pools …) travel unchanged in the scheme's ``advanced_yaml``.
"""

import re
from decimal import Decimal, InvalidOperation

from perfcore.yamlio import dump_text, parse_text

__all__ = ["ADVANCED_KEYS", "ADVANCED_PAY_KEYS", "DOCUMENT_FIELDS", "document_values", "export_document",
           "from_text", "to_text"]

_REF = re.compile(r"^\$[a-z][a-z0-9_]*$")

#: Top-level keys (and keys of ``pay``) the forms leave to the advanced YAML.
ADVANCED_KEYS = ("variables", "eligibility", "score_periods", "grade_caps", "ranking", "flag_rules", "kpi_card",
                 "subperiods", "history_eligibility", "annual_rollup", "process")
ADVANCED_PAY_KEYS = ("variables", "names", "year_end_pools")
PERIOD_KINDS = ("week", "month", "quarter", "half_year", "year")

# (document key, field, kind): text, num (number or $parameter), num_or_formula, int, bool, codes (a list
# written "a, b"), yaml (a nested value written as YAML)
INDICATOR = (("code", "code", "text"), ("name", "name", "text"), ("weight", "weight", "num"),
             ("max", "max_points", "num"), ("source", "source", "text"), ("formula", "formula", "text"),
             ("clamp", "clamp", "bool"), ("aggregation", "aggregation", "text"),
             ("worksheet", "worksheet_yaml", "yaml"))
RATER = (("code", "code", "text"), ("name", "name", "text"), ("weight", "weight", "num_or_formula"),
         ("required", "required", "bool"), ("pool", "pool_roles", "codes"), ("pool_names", "pool_names_yaml", "yaml"),
         ("max_valid", "max_valid", "num"),
         ("replace_with", "replace_with", "text"), ("replace_offset", "replace_offset", "num"),
         ("replace_flag", "replace_flag", "text"))
INPUT = (("code", "code", "text"), ("name", "name", "text"), ("min", "minimum", "num"), ("max", "maximum", "num"),
         ("list", "is_list", "bool"), ("scope", "scope", "text"), ("default", "default_value", "num"))
EVENT = (("code", "code", "text"), ("name", "name", "text"), ("kind", "kind", "text"),
         ("points", "point_value", "num"), ("amount", "amount", "num"), ("percent", "percent", "num"),
         ("level", "level", "text"), ("indicator", "indicator_code", "text"), ("cap", "cap", "num"),
         ("note_required", "note_required", "bool"), ("scope", "scope", "text"), ("max_count", "max_count", "int"),
         ("max_points", "max_points", "num"))
GRADE = (("code", "code", "text"), ("label", "label", "text"), ("min", "minimum", "num"),
         ("when", "condition", "text"))
ATTRIBUTE = (("code", "code", "text"), ("name", "name", "text"), ("type", "type", "text"),
             ("min", "minimum", "num"), ("max", "maximum", "num"), ("required", "required", "bool"))
COMPONENT = (("code", "code", "text"), ("name", "name", "text"), ("formula", "formula", "text"),
             ("when", "when_formula", "text"), ("periods", "periods", "codes"))
RULE = (("flag", "flag", "text"), ("window", "window", "text"), ("size", "size", "int"), ("step", "step", "text"),
        ("where", "where", "text"), ("at_least", "at_least", "int"), ("skip_flag", "skip_flag", "text"),
        ("only_in", "only_in", "codes"), ("reason", "reason", "text"))
PARAMETER = (("name", "label", "text"), ("source", "source", "text"), ("description", "description", "text"),
             ("assumption", "assumption", "bool"))
HEADER = (("title", "title", "text"), ("seed", "seed", "text"), ("description", "description", "text"),
          ("subject", "subject_kind", "text"), ("total_max", "total_max", "num"),
          ("direct_total", "direct_total", "text"), ("event_note_required", "event_note_required", "bool"),
          ("event_max_count", "event_max_count", "int"), ("event_max_points", "event_max_points", "num"),
          ("veto_grade", "veto_grade", "text"), ("tie_break", "tie_break", "codes"))

#: Every table, by the model whose records it reads (for the problems' field names).
DOCUMENT_FIELDS = {"perf.scheme.indicator": INDICATOR, "perf.scheme.rater": RATER, "perf.scheme.input": INPUT,
                   "perf.scheme.event": EVENT, "perf.scheme.grade": GRADE, "perf.scheme.attribute": ATTRIBUTE,
                   "perf.scheme.pay.component": COMPONENT, "perf.scheme.rule": RULE,
                   "perf.scheme.parameter": PARAMETER, "perf.scheme": HEADER}


# -- values ---------------------------------------------------------------------------------------
def to_text(value):
    """A document value as the text a form shows (numbers exactly as written)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return str(value)


def from_text(text, *, formula=False):
    """Form text as a document value: a number (exact), a ``$parameter``, or the text itself
    (a formula, or a bad number perfcore then names at its field)."""
    text = (text or "").strip()
    if _REF.match(text):
        return text
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _to_field(kind, value):
    if kind in ("num", "num_or_formula"):
        return to_text(value)
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value) if value is not None else False
    if kind == "codes":
        return ", ".join(str(v) for v in value) if value is not None else False
    if kind == "yaml":
        return dump_text(value) if value is not None else False
    return str(value) if value is not None else False


def _to_document(kind, value):
    """The document value of a field, or None to leave the key out (perfcore's default)."""
    if kind in ("num", "num_or_formula"):
        return from_text(value) if value not in (False, None, "") and str(value).strip() else None
    if kind == "bool":
        return True if value else None
    if kind == "int":
        return value if value else None
    if kind == "codes":
        return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()] if value else None
    if kind == "yaml":
        return parse_text(value, "worksheet").data if value and value.strip() else None
    return value if value not in (False, None, "") else None


def document_values(table, item):
    """Field values of one document mapping ``item`` by ``table``."""
    return {field: _to_field(kind, item.get(key)) for key, field, kind in table}


def _item(record, table, places, path, label, problems):
    item = {}
    for key, field, kind in table:
        try:
            value = _to_document(kind, record[field])
        except Exception as exc:  # noqa: BLE001 - a worksheet's bad YAML is a problem of that field
            problems.append((path + (key,), str(exc)))
            continue
        if value is not None:
            item[key] = value
    places.append((path, label))
    return item


# -- records → document ---------------------------------------------------------------------------
def _attribute_default(kind, text):
    if text in (False, None, ""):
        return None
    if kind == "bool":
        return str(text).strip().lower() in ("1", "true", "yes", "是")
    if kind == "list":  # "[]": an empty list (no value is another thing: missing)
        return [v.strip() for v in text.strip("[] ").replace("，", ",").split(",") if v.strip()]
    if kind == "number":
        return from_text(text)
    return text


def _parameter_value(text):
    lowered = (text or "").strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    value = from_text(text)
    return value


def export_document(scheme):
    """The perfcore document of a scheme's designer records, with ``places``: (path, label) of
    every record, so that a problem perfcore finds at a path is shown on the record it concerns.

    Returns ``(document, places, problems)``; ``problems`` are the ones found while reading the
    fields (a worksheet or advanced YAML that does not parse), as (path, message)."""
    places, problems = [], []
    doc = {"id": scheme.code or "", "title": scheme.title or scheme.name or ""}
    header = _item(scheme, HEADER, places, (), scheme.title or "", problems)
    header.pop("title", None)
    # in the order the document gave them (kept in period_kinds), new ones after
    order = [kind.strip() for kind in (scheme.period_kinds or "").split(",") if kind.strip() in PERIOD_KINDS]
    periods = [kind for kind in order + [k for k in PERIOD_KINDS if k not in order] if scheme[f"period_{kind}"]]
    for key, value in header.items():
        doc[key] = value
        if key == "subject":
            doc["periods"] = periods
    doc.setdefault("periods", periods)
    if scheme.parameter_ids:
        doc["parameters"] = {}
        for parameter in scheme.parameter_ids.sorted("sequence"):
            spec = {"value": _parameter_value(parameter.default_value)}
            spec.update(_item(parameter, PARAMETER, places, ("parameters", parameter.name),
                              parameter.description or parameter.name, problems))
            doc["parameters"][parameter.name] = spec
    if scheme.attribute_ids:
        doc["attributes"] = []
        for index, attribute in enumerate(scheme.attribute_ids.sorted("sequence")):
            item = _item(attribute, ATTRIBUTE, places, ("attributes", index), attribute.name or attribute.code,
                         problems)
            if attribute.value_ids:
                values = attribute.value_ids.sorted("sequence")
                item["values"] = values.mapped("code")
                labels = {v.code: v.label for v in values if v.label and v.label != v.code}
                if labels:
                    item["labels"] = labels
            default = _attribute_default(attribute.type, attribute.default_value)
            if default is not None:
                item["default"] = default
            doc["attributes"].append(item)
    if scheme.input_ids:
        doc["inputs"] = [_item(line, INPUT, places, ("inputs", index), line.name or line.code, problems)
                         for index, line in enumerate(scheme.input_ids.sorted("sequence"))]
    scheme_raters = scheme.scheme_rater_ids.sorted("sequence")
    if scheme_raters:
        doc["raters"] = [_item(r, RATER, places, ("raters", index), r.name or r.code, problems)
                         for index, r in enumerate(scheme_raters)]
    tops = scheme.top_indicator_ids.sorted("sequence")
    if tops:
        places.append((("indicators",), "indicators"))
        doc["indicators"] = [_indicator(i, ("indicators", index), places, problems) for index, i in enumerate(tops)]
    for key in ("total_max", "direct_total"):  # perfcore's order: after the indicators
        if key in doc:
            doc[key] = doc.pop(key)
    if scheme.event_type_ids:
        doc["events"] = [_event(e, ("events", index), places, problems)
                         for index, e in enumerate(scheme.event_type_ids.sorted("sequence"))]
    grades = scheme.grade_ids.sorted("sequence")
    if grades:
        doc["grades"] = [_item(g, GRADE, places, ("grades", index), g.label or g.code, problems)
                         for index, g in enumerate(grades)]
    if scheme.distribution_mode:
        places.append((("distribution",), "distribution"))
        doc["distribution"] = {"mode": scheme.distribution_mode, "quotas": [
            {"grade": g.code, "percent": from_text(g.quota)} for g in grades if g.quota]}
        if scheme.distribution_scope and scheme.distribution_scope != "group":
            doc["distribution"]["scope"] = scheme.distribution_scope
    pay = {}
    if scheme.pay_name:
        pay["name"] = scheme.pay_name
    if scheme.pay_basis:
        pay["basis"] = scheme.pay_basis
    tables = {}
    for rate in scheme.pay_rate_ids.sorted("sequence"):
        tables.setdefault(rate.table, {})[rate.key] = from_text(rate.value)
    if tables:
        pay["tables"] = tables
        places.append((("pay", "tables"), "pay tables"))
    components = scheme.pay_component_ids.sorted("sequence")
    if components:
        pay["components"] = []
        for index, component in enumerate(components):
            item = _item(component, COMPONENT, places, ("pay", "components", index), component.name or component.code,
                         problems)
            if component.split_pool:
                item.pop("formula", None)
                item["split"] = {"pool": component.split_pool, "weight": component.split_weight or ""}
                if component.split_scope and component.split_scope != "group":
                    item["split"]["scope"] = component.split_scope
            pay["components"].append(item)
    rules = scheme.rule_ids.sorted("sequence")
    advanced = {}
    if scheme.advanced_yaml and scheme.advanced_yaml.strip():
        try:
            advanced = parse_text(scheme.advanced_yaml, "advanced").data or {}
        except Exception as exc:  # noqa: BLE001 - perfcore's FileError names the line
            problems.append((("advanced",), str(exc)))
        if not isinstance(advanced, dict):
            problems.append((("advanced",), "the advanced part must be a mapping of scheme keys"))
            advanced = {}
    for key in ADVANCED_PAY_KEYS:
        if key in (advanced.get("pay") or {}):
            pay[key] = advanced["pay"][key]
    if pay:
        doc["pay"] = pay
    if rules:
        doc["cross_period"] = [_item(r, RULE, places, ("cross_period", index), r.reason or r.flag, problems)
                               for index, r in enumerate(rules)]
    for key, value in advanced.items():
        if key != "pay":
            doc[key] = value
    return doc, places, problems


def _indicator(indicator, path, places, problems):
    item = _item(indicator, INDICATOR, places, path, indicator.name or indicator.code, problems)
    if indicator.scale_min or indicator.scale_max:
        item["scale"] = [from_text(indicator.scale_min), from_text(indicator.scale_max)]
    if indicator.own_raters:
        item["raters"] = [_item(r, RATER, places, path + ("raters", index), r.name or r.code, problems)
                          for index, r in enumerate(indicator.rater_ids.sorted("sequence"))]
    children = indicator.child_ids.sorted("sequence")
    if children:
        item["items"] = [_indicator(c, path + ("items", index), places, problems) for index, c in enumerate(children)]
    return item


def _event(event, path, places, problems):
    item = _item(event, EVENT, places, path, event.name or event.code, problems)
    if event.kind == "points" and "kind" in item:
        del item["kind"]  # the default
    if event.range_min or event.range_max:
        item["range"] = [from_text(event.range_min), from_text(event.range_max)]
    if item.get("level") == "total":
        del item["level"]
    if item.get("scope") == "period":
        del item["scope"]
    return item
