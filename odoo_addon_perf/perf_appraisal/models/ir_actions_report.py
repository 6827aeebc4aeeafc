from odoo import models
from odoo.tools.pdf import merge_pdf

from .pdf_text import named_by_ideographs


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

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

        pdf = render(bodies)
        if not pdf and len(bodies) > 1:
            # a wkhtmltopdf built on an unpatched Qt (Debian's) writes nothing for several pages at
            # once ("Exit with code 1, due to unknown error"): one notice at a time, merged
            pdf = merge_pdf([render([body]) for body in bodies])
        # the text is the text (护士长, not 护士⻓), whatever CJK font the server has
        return named_by_ideographs(pdf)
