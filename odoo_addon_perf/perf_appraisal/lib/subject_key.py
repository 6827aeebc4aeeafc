"""Who a perfcore subject is in the ERP: an employee (``E42``) or a department (``D7``).

perfcore knows a subject by a text id; the addon's subjects are employees or, for unit schemes,
departments. The key is the period input's id, the templates' first column and the history's
index, so it is built (and read back) here only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SubjectKey"]

Kind = Literal["employee", "department"]
_PREFIX: dict[str, str] = {"employee": "E", "department": "D"}
_MODEL_KIND: dict[str, Kind] = {"hr.employee": "employee", "hr.department": "department"}


@dataclass(frozen=True, slots=True)
class SubjectKey:
    kind: Kind
    id: int

    def __str__(self) -> str:
        return f"{_PREFIX[self.kind]}{self.id}"

    @property
    def field(self) -> str:
        """The appraisal's field holding the subject: ``employee_id`` or ``department_id``."""
        return f"{self.kind}_id"

    @classmethod
    def of(cls, record) -> SubjectKey:
        """The key of an ``hr.employee`` or ``hr.department`` record."""
        return cls(_MODEL_KIND[record._name], record.id)

    @classmethod
    def text(cls, unit: bool, record_id: int) -> str:
        """The key, as text, of the department (``unit``) or employee ``record_id``."""
        return str(cls("department" if unit else "employee", record_id))
