import lxml.html

from odoo import models
from odoo.tools.pdf import merge_pdf

from .pdf_text import named_by_ideographs


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        # Every record of the report passes the record rules before any is rendered: a notice read
        # with sudo() fills the cache a colleague's record would otherwise be refused from
        # (/report/pdf/…/<own>,<colleague> printed both).
        if (report.report_name or "").startswith("perf_appraisal.") and not self.env.su:
            self.env[report.model].browse(docids).check_access("read")
        return super()._get_rendering_context(report, docids, data)

    def _run_wkhtmltopdf(self, bodies, report_ref=False, header=None, footer=None, landscape=False,
                         specific_paperformat_args=None, set_viewport_size=False):
        report = self._get_report(report_ref) if report_ref else self.browse()
        if not (report.report_name or "").startswith("perf_appraisal."):
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, header=header, footer=footer,
                                            landscape=landscape, specific_paperformat_args=specific_paperformat_args,
                                            set_viewport_size=set_viewport_size)

        def render(parts):
            return super(IrActionsReport, self)._run_wkhtmltopdf(
                parts, report_ref=report_ref, header=header, footer=footer, landscape=landscape,
                specific_paperformat_args=specific_paperformat_args, set_viewport_size=set_viewport_size)

        # A wkhtmltopdf built on an unpatched Qt (Debian's) writes nothing for several documents at
        # once ("Exit with code 1, due to unknown error"), and each run costs a second of loading
        # the CJK fonts: the notices go as one document, each from a new page.
        pdf = render([_one_document(bodies)] if len(bodies) > 1 else bodies)
        if not pdf and len(bodies) > 1:  # (a document this cannot join): one notice at a time, merged
            pdf = merge_pdf([render([body]) for body in bodies])
        # the text is the text (护士长, not 护士⻓), whatever CJK font the server has
        return named_by_ideographs(pdf)


def _one_document(bodies):
    """Odoo's bodies (one HTML document per record, the same head) as one document: each record's
    body after a page break."""
    first = lxml.html.document_fromstring(bodies[0])
    target = first.body
    for body in bodies[1:]:
        page = lxml.html.document_fromstring(body).body
        breaker = lxml.html.Element("div", style="page-break-before: always;")
        breaker.extend(list(page))
        target.append(breaker)
    return lxml.html.tostring(first, encoding="unicode", doctype="<!DOCTYPE html>")
