"""The draft 提案办理工作报告 of the demo's 连云港 session: its key proposals, units and
chart, and the figures of its dashboard."""

import io
import os
import re
import zipfile

from insights import annual_report, stats
from proposals.models import Session
from replies.tests.ooxml_validate import assert_valid_docx

from .test_load_demo import TODAY, demo  # noqa: F401 - the module fixture


def _text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p))
                     for p in re.findall(r"<w:p>.*?</w:p>", xml))


def test_it_reports_the_demo_session(demo, db):  # noqa: F811
    session = Session.objects.get(name="十四届四次会议", committee__name__contains="连云港")
    name, _mime, data = annual_report.annual_report(session, today=TODAY)
    if os.environ.get("ANNUAL_REPORT_OUT"):  # for docs/screens: write the file to look at
        with open(os.environ["ANNUAL_REPORT_OUT"], "wb") as f:
            f.write(data)
    assert name == "十四届四次会议提案办理工作报告（草稿）.docx"
    assert_valid_docx(data)
    text = _text(data)
    board = stats.dashboard(session=session, today=TODAY)
    assert f"办复率{board.reply_rate.percent}，按期办复率{board.on_time_rate.percent}" in text
    assert "\n44137\n关于加快知识产权强市建设的提案\n市政协副主席王建华\n" in text
    assert "\n44158\n" in text and "副市长李晓梅" in text
    assert "\n连云港市市场监督管理局\n" in text
    assert data == annual_report.annual_report(session, today=TODAY)[2]
