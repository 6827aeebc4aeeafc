"""The cycle as a document: plain Python between the ERP's rows and perfcore.

Nothing here imports Odoo. The models read their rows (``search_read``) and write the values
these modules return; the modules turn rows into perfcore's period input and perfcore's results
into field values. So the plain test suite, which has no Odoo, runs the money path of every preset
(rows → input → evaluate → values): ``tests/test_cycle_document.py`` at the project's root.

- :mod:`.subject_key` — who a perfcore subject is in the ERP (``E42``, ``D7``), built in one place;
- :mod:`.period_rows` — a cycle's rows → one perfcore period input;
- :mod:`.result_values` — a perfcore result → the appraisal's stored values;
- :mod:`.scheme_document`, :mod:`.scheme_summary` — the designer's records ⇄ a scheme document,
  and the scheme in words.
"""
