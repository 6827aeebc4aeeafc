import datetime
import io
import shutil
import subprocess
import tempfile
import unicodedata

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PerfFixture


def pdf_text(pdf):
    """The text of a PDF, as poppler's pdftotext reads it (layout kept)."""
    tool = shutil.which("pdftotext")
    if not tool:
        raise AssertionError("pdftotext (Debian's poppler-utils) is needed to read the notice")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run([tool, "-layout", handle.name, "-"], check=True, capture_output=True, text=True).stdout
    # the text is the text, whatever CJK font drew it: no glyph named by a radical (护士⻓ for 护士长)
    radicals = sorted({f"U+{ord(c):04X}" for c in text if 0x2E80 <= ord(c) <= 0x2FDF})
    if radicals:
        raise AssertionError(f"the PDF's text has CJK radicals for ideographs: {', '.join(radicals)}")
    return unicodedata.normalize("NFKC", text)


@tagged("post_install", "-at_install")
class TestReports(PerfFixture, HttpCase):
    """The printed notice and the ranking sheet say what the cycle decided, in the reader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"], overwrite=True)
        cls.cycle = cls.publish(cls.nursing_cycle())
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}

    def test_notice_pdf_in_chinese(self):
        """李四's notice: 94.10, 良好 (capped from 优秀 in ward-3), rank 2 of 4 (4 人中第 2 名), 1317.40, appeal deadline = publication + 7."""
        li = self.by_name["李四"]
        li.user_id.lang = "zh_CN"
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = report._render_qweb_pdf("perf_appraisal.report_appraisal_notice", li.ids)
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        deadline = fields.Date.to_string(fields.Date.context_today(li) + datetime.timedelta(days=7))
        for expected in ("考核结果通知书", "李四", "94.10", "良好", "4 人中第 2 名", "1317.40", deadline,
                         "护士长考核", "参加学习", "调整为良好", "绩效工资 = 绩效奖金 1,317.40 = 1,317.40"):
            self.assertIn(expected, text)
        # perfcore's breakdown in Chinese too: no grade code, no English step
        for english in ("good", "excellent", "given by", "moved to"):
            self.assertNotIn(english, text)

    def test_notices_in_batch(self):
        """HR prints the seven notices at once: one PDF, each notice on its own pages, each with its
        name and total (张三 102.10 … 周九 60.00), the heading seven times."""
        report = self.env["ir.actions.report"].with_user(self.officer).with_context(force_report_rendering=True)
        appraisals = self.cycle.appraisal_ids
        appraisals.user_id.lang = "zh_CN"  # each notice in its reader's language
        pdf, _kind = report._render_qweb_pdf("perf_appraisal.report_appraisal_notice", appraisals.ids)
        text = pdf_text(pdf)
        self.assertEqual(text.count("考核结果通知书"), 7)
        # each notice from a new page (one document, a page break before each)
        self.assertEqual(sum(1 for page in text.split("\f") if "考核结果通知书" in page), 7)
        for appraisal in appraisals:
            self.assertIn(appraisal.subject_name, text)
            self.assertIn(f"{appraisal.total:.2f}", text)

    def test_notices_in_batch_over_http(self):
        """The web client's Print of a selection: /report/pdf with several ids, as HR (under tests
        Odoo answers the report's HTML there, unless the rendering is forced, as above)."""
        ids = ",".join(map(str, self.cycle.appraisal_ids.ids[:3]))
        self.cycle.appraisal_ids.user_id.lang = "zh_CN"
        self.authenticate("perf_officer", "perf_officer")
        response = self.url_open(f"/report/pdf/perf_appraisal.report_appraisal_notice/{ids}")
        self.assertEqual((response.status_code, response.headers["Content-Type"]), (200, "application/pdf"),
                         response.content[:500])
        self.assertEqual(response.content.decode().count("考核结果通知书"), 3)

    def test_ranking_sheet(self):
        """The cycle's ranking sheet: per group by rank, with grade labels and pay (ward-3: 张三 1 优秀 … 赵六 4 合格)."""
        import openpyxl

        action = self.cycle.with_user(self.officer).action_export_ranking()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/web/content/")[1].split("?")[0]))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        self.assertEqual(header[:6], ("Group", "Rank", "Name", "Total", "Grade", "Band Grade"))
        ward3 = [(r[1], r[2], r[4]) for r in body if r[0] == "ward-3"]
        self.assertEqual(ward3, [(1, "张三", "优秀"), (2, "李四", "良好"), (3, "王五", "良好"), (4, "赵六", "合格")])
        zhang = next(r for r in body if r[2] == "张三")
        self.assertEqual((zhang[3], zhang[7]), (102.10, 1837.80))
        summary = list(book.worksheets[1].iter_rows(values_only=True))
        # ward-3 of 4 with quotas 30/50/20 %: Hamilton counts 1 / 2 / 1; actual 优秀 1, 良好 2, 合格 1
        self.assertIn(("ward-3", "优秀", 1, 1), summary)
        self.assertIn(("ward-3", "良好", 2, 2), summary)

    def test_notice_of_someone_else_is_refused(self):
        """A nurse downloading a colleague's notice by its URL gets no PDF (record rules apply to reports)."""
        zhang, li = self.by_name["张三"], self.by_name["李四"]
        self.authenticate(zhang.user_id.login, zhang.user_id.login)
        own = self.url_open(f"/report/pdf/perf_appraisal.report_appraisal_notice/{zhang.id}")
        self.assertEqual((own.status_code, own.headers["Content-Type"]), (200, "application/pdf"))
        with mute_logger("odoo.http"):
            other = self.url_open(f"/report/pdf/perf_appraisal.report_appraisal_notice/{li.id}")
        self.assertNotEqual(other.headers.get("Content-Type"), "application/pdf")
        self.assertNotIn(b"94.10", other.content)

    def test_notices_of_several_ids_are_checked_each(self):
        """A nurse asking for her own notice and a colleague's in one URL gets neither: every record of
        a multi-record report passes the record rules, in either order and as HTML or PDF."""
        zhang, li = self.by_name["张三"], self.by_name["李四"]
        self.authenticate(zhang.user_id.login, zhang.user_id.login)
        for kind in ("html", "pdf"):
            for ids in (f"{zhang.id},{li.id}", f"{li.id},{zhang.id}"):
                with self.subTest(kind=kind, ids=ids), mute_logger("odoo.http"):
                    response = self.url_open(f"/report/{kind}/perf_appraisal.report_appraisal_notice/{ids}")
                    self.assertNotEqual(response.status_code, 200)
                    self.assertNotIn(li.subject_name.encode(), response.content)
