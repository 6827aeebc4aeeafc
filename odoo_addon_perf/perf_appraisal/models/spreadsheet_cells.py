"""Cells of the sheets the addon writes and reads (templates, ranking): text a spreadsheet would run
as a formula (=, +, -, @ first; a name like =HYPERLINK(…)) is written as text, never as a formula."""

from decimal import Decimal, InvalidOperation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value):
    """Text a spreadsheet would evaluate: it starts as a formula and is not a plain number (-5 is a number)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return False
    try:
        Decimal(value.strip())
    except InvalidOperation:
        return True
    return False


def append_row(sheet, values):
    """openpyxl's ``sheet.append``, with formula-like text kept as text (the cell's type "s")."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f" and is_formula_like(cell.value):
            cell.data_type = "s"


def csv_cell(value):
    """A CSV cell: formula-like text behind ' (how spreadsheets mark text), the rest as it is."""
    return "'" + value if is_formula_like(value) else value


def csv_value(text):
    """The value a CSV cell written by :func:`csv_cell` holds (its ' taken off again)."""
    if isinstance(text, str) and text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text
