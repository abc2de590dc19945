import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insights import importing
from insights.models import ProposalImport
from proposals.models import Proposal, Proposer
from proposals.tests.factories import (
    CommitteeRoleFactory,
    ProposalFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from proposals.tests.html_refs import dangling_references

from .helpers import read_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    session = SessionFactory()
    committee = session.committee
    UnitFactory(committee=committee, name="连云港市住房和城乡建设局", short_name="市住建局")
    UnitFactory(committee=committee, name="连云港市市场监督管理局", short_name="市市场监管局")
    ProposalFactory(session=session, number=500)
    clerk = CommitteeRoleFactory(committee=committee, user=UserFactory(username="c1")).user
    return {"session": session, "clerk": clerk}


def good_rows(start=1, n=3):
    return [
        [start + i, f"关于加强第{i}项工作的提案", "王波", "李明、张华", "经济界", "民进",
         f"内容{i}", "市住建局、连云港市市场监督管理局"]
        for i in range(n)
    ]


def _check(session, rows, header=None):
    return importing.import_check(session=session, data=xlsx_bytes(rows, header))


def test_it_lists_every_rows_problems_with_row_numbers_in_chinese(setup):
    rows = [
        [1, "关于A的提案", "王波", "", "", "", "", "市住建局"],  # line 2: fine
        [None, "关于B的提案", "王波", "", "", "", "", ""],  # 3: no number
        ["abc", "", "", "", "", "", "", ""],  # 4: bad number, no title, no lead
        [1, "关于C的提案", "李明", "", "", "", "", "市某某局、市住建局"],  # 5: dup, unknown unit
        [500, "关于D的提案", "张华", "", "", "", "", ""],  # 6: already in the session
        [-3, "关于E的提案", "张华", "", "", "", "", ""],  # 7: not positive
    ]
    check = _check(setup["session"], rows)
    messages = [(p["row"], p["message"]) for p in check.problems]
    assert messages == [
        (3, "第3行：缺少“提案号”。"),
        (4, "第4行：“提案号”应为正整数，现为“abc”。"),
        (4, "第4行：缺少“案由”。"),
        (4, "第4行：缺少“领衔人”。"),
        (5, "第5行：“建议承办单位”中有未知单位：市某某局。"),
        (5, "第5行：提案号1与第2行重复。"),
        (6, "第6行：本届次已有第500号提案。"),
        (7, "第7行：“提案号”应为正整数，现为“-3”。"),
    ]
    assert not check.ok


def test_it_accepts_numbers_written_as_text_or_with_di_hao(setup):
    rows = [[" 第12号", "关于A的提案", "王波", "", "", "", "", ""], ["13", "关于B", "王波"]]
    check = _check(setup["session"], rows)
    assert check.ok, check.problems
    assert [r.number for r in check.rows] == [12, 13]


def test_it_reads_full_width_digits_and_refuses_other_scripts_in_the_number(setup):
    rows = [["第１４号", "关于C的提案", "王波"], ["١٥", "关于D的提案", "王波"]]
    check = _check(setup["session"], rows)
    assert check.rows[0].number == 14 and not check.rows[0].problems
    assert check.rows[1].number is None and check.rows[1].problems


def test_it_names_missing_header_columns(setup):
    check = _check(setup["session"], [[1, "x"]], header=["编号", "案由"])
    assert check.problems[0]["row"] is None
    assert "第1行表头缺少列：提案号、领衔人" in check.problems[0]["message"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4 not a workbook", "文件不是 Excel 工作簿（.xlsx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
        (b"PK\x03\x04" + b"truncated", "文件已损坏"),
        (b"", "文件不是 Excel 工作簿"),
    ],
)
def test_it_explains_a_wrong_or_corrupt_file(setup, data, expected):
    check = importing.import_check(session=setup["session"], data=data)
    assert len(check.problems) == 1
    assert expected in check.problems[0]["message"]


def test_it_refuses_a_zip_that_is_not_a_workbook(setup):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    check = importing.import_check(session=setup["session"], data=buffer.getvalue())
    assert "不是 Excel 工作簿" in check.problems[0]["message"]


def test_it_reports_a_workbook_with_a_damaged_sheet(setup):
    good = xlsx_bytes(good_rows())
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    check = importing.import_check(session=setup["session"], data=damaged.getvalue())
    assert check.problems and "文件已损坏" in check.problems[0]["message"]


def test_it_imports_all_rows_and_reuses_proposers_by_name(setup):
    session = setup["session"]
    existing = ProposerFactory(committee=session.committee, name="王波", sector="教育界")
    record = importing.import_create(
        session=session, owner=setup["clerk"], filename="a.xlsx", data=xlsx_bytes(good_rows())
    )
    assert record.problems == []
    record = importing.import_confirm(record=record, actor=setup["clerk"])
    assert record.state == ProposalImport.State.DONE
    assert record.imported_count == 3
    imported = Proposal.objects.filter(session=session, number__in=[1, 2, 3]).order_by("number")
    assert [p.lead_proposer_id for p in imported] == [existing.pk] * 3
    assert sorted(c.name for c in imported[0].co_signers.all()) == ["张华", "李明"]
    assert Proposer.objects.filter(committee=session.committee, name="李明").count() == 1
    assert imported[0].suggested_units == "市住建局、连云港市市场监督管理局"
    assert imported[0].history.first().history_user == setup["clerk"]


def test_it_writes_nothing_when_one_row_fails_at_import_time(setup, monkeypatch):
    session = setup["session"]
    before = (Proposal.objects.count(), Proposer.objects.count())
    record = importing.import_create(
        session=session, owner=setup["clerk"], filename="a.xlsx",
        data=xlsx_bytes(good_rows(n=5)),
    )
    assert record.problems == []
    # Between the dry run and the import, someone registers number 4 by hand.
    ProposalFactory(session=session, number=4)
    before = (Proposal.objects.count(), Proposer.objects.count())
    record = importing.import_confirm(record=record, actor=setup["clerk"])
    assert record.state == ProposalImport.State.FAILED
    assert "本届次已有第4号提案" in record.error
    assert (Proposal.objects.count(), Proposer.objects.count()) == before
    assert not Proposal.objects.filter(session=session, number__in=[1, 2, 3, 5]).exists()


def test_it_rolls_back_when_the_register_service_refuses_a_row(setup, monkeypatch):
    session = setup["session"]
    before = (Proposal.objects.count(), Proposer.objects.count())
    rows = importing.check_rows(session, importing.read_workbook(xlsx_bytes(good_rows(n=4))))
    assert rows.ok
    rows.rows[3].title = "x" * 300  # slips past: the service's full_clean refuses it
    with pytest.raises(Exception, match="第5行"):
        importing.import_rows(session=session, rows=rows.rows, actor=setup["clerk"])
    assert (Proposal.objects.count(), Proposer.objects.count()) == before


def test_it_refuses_to_confirm_an_upload_with_problems(setup, client):
    client.force_login(setup["clerk"])
    record = importing.import_create(
        session=setup["session"], owner=setup["clerk"], filename="a.xlsx",
        data=xlsx_bytes([[1, "", "王波"]]),
    )
    before = Proposal.objects.count()
    response = client.post(reverse("insights:import_confirm", args=[record.pk]), follow=True)
    assert "文件中还有问题" in response.content.decode()
    assert Proposal.objects.count() == before


def test_it_uploads_checks_and_imports_through_the_pages(setup, client):
    client.force_login(setup["clerk"])
    upload = SimpleUploadedFile("提案.xlsx", xlsx_bytes(good_rows(start=10, n=2)))
    response = client.post(
        reverse("insights:import_upload"), {"session": setup["session"].pk, "file": upload}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "检查通过：2行均可导入" in page
    assert Proposal.objects.filter(number__in=[10, 11]).count() == 0
    record = ProposalImport.objects.get()
    response = client.post(reverse("insights:import_confirm", args=[record.pk]), follow=True)
    assert "已导入2件提案" in response.content.decode()
    assert Proposal.objects.filter(session=setup["session"], number__in=[10, 11]).count() == 2


def test_it_shows_the_dry_run_problems_on_the_page(setup, client):
    client.force_login(setup["clerk"])
    upload = SimpleUploadedFile("x.xlsx", b"not a workbook")
    response = client.post(
        reverse("insights:import_upload"), {"session": setup["session"].pk, "file": upload},
        follow=True,
    )
    page = response.content.decode()
    assert "未导入任何数据" in page and "文件不是 Excel 工作簿" in page


def test_it_links_the_file_field_to_its_help_text(setup, client):
    client.force_login(setup["clerk"])
    page = client.get(reverse("insights:import_upload")).content.decode()
    assert 'aria-describedby="id_file_helptext"' in page
    assert dangling_references(page) == []


def test_it_runs_a_large_import_as_a_background_job(setup, django_capture_on_commit_callbacks):
    rows = good_rows(start=1000, n=importing.BACKGROUND_ROWS + 1)
    record = importing.import_create(
        session=setup["session"], owner=setup["clerk"], filename="big.xlsx", data=xlsx_bytes(rows)
    )
    with django_capture_on_commit_callbacks(execute=True):
        record = importing.import_confirm(record=record, actor=setup["clerk"])
    assert record.state == ProposalImport.State.QUEUED  # queued, then run by the (eager) worker
    record.refresh_from_db()
    assert record.state == ProposalImport.State.DONE
    assert Proposal.objects.filter(session=setup["session"], number__gte=1000).count() == len(rows)


def test_it_keeps_imports_away_from_unit_people_and_other_committees(setup, client):
    record = importing.import_create(
        session=setup["session"], owner=setup["clerk"], filename="a.xlsx",
        data=xlsx_bytes(good_rows()),
    )
    other = CommitteeRoleFactory(user=UserFactory(username="other-clerk")).user
    client.force_login(other)
    assert client.get(reverse("insights:import_detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("insights:import_confirm", args=[record.pk])).status_code == 404
    client.force_login(UserFactory(username="plain"))
    assert client.get(reverse("insights:import_upload")).status_code == 403
    # A clerk of a committee with no session: told why, nothing to upload into.
    client.force_login(CommitteeRoleFactory(user=UserFactory(username="new-clerk")).user)
    page = client.get(reverse("insights:import_upload")).content.decode()
    assert "本政协尚无届次" in page and 'type="file"' not in page


def _download_template(client, session) -> bytes:
    """The template as a clerk gets it: the link on the upload page for the session."""
    page = client.get(reverse("insights:import_upload")).content.decode()
    url = reverse("insights:import_template", args=[session.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_the_downloaded_template_imports_unchanged_into_the_demo_session(client):
    """The demo holds 第44137号 and names its units 连云港市…局 (short names 市…局): the
    template's sample row must neither reuse a number nor name a unit the session lacks."""
    import io as _io

    from django.core.management import call_command

    call_command("load_demo", stdout=_io.StringIO())
    session = Proposal.objects.get(number=44137).session
    clerk = CommitteeRoleFactory(committee=session.committee).user
    client.force_login(clerk)
    data = _download_template(client, session)
    (_line, raw), = importing.read_workbook(data)
    response = client.post(
        reverse("insights:import_upload"),
        {"session": session.pk, "file": SimpleUploadedFile("提案导入模板.xlsx", data)},
        follow=True,
    )
    page = response.content.decode()
    record = ProposalImport.objects.get()
    assert record.problems == []
    assert "检查通过：1行均可导入" in page
    units = raw["units"]
    assert units and all(name in page for name in units.split("、"))
    preview = page[page.index('id="import-preview"'):]
    for text in (str(raw["number"]), raw["title"], raw["lead"]):
        assert text in preview
    client.post(reverse("insights:import_confirm", args=[record.pk]), follow=True)
    imported = Proposal.objects.get(session=session, number=raw["number"])
    assert imported.title == raw["title"] and imported.suggested_units == units
    assert raw["number"] > 44137


def test_the_template_takes_the_sessions_next_number_and_real_units(setup):
    session = setup["session"]  # holds 第500号; units 市住建局 and 市市场监管局
    row = importing.example_row(session)
    assert row[0] == 501
    assert row[-1] == "市住建局、连云港市市场监督管理局"  # a short and a full name
    # The same content each time (the bytes differ in the zip's timestamps).
    assert read_xlsx(importing.template_bytes(session)) == read_xlsx(
        importing.template_bytes(session)
    )
    check = importing.import_check(session=session, data=importing.template_bytes(session))
    assert check.ok and len(check.rows) == 1


def test_the_template_is_only_for_the_sessions_clerks(setup, client):
    url = reverse("insights:import_template", args=[setup["session"].pk])
    client.force_login(CommitteeRoleFactory(user=UserFactory(username="other-clerk")).user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="plain"))
    assert client.get(url).status_code == 404


def test_the_preview_shows_every_row_with_its_problems_in_place(setup, client):
    client.force_login(setup["clerk"])
    rows = [
        [20, "关于甲的提案", "王波", "李明", "", "", "", "市住建局"],
        [500, "关于乙的提案", "张华", "", "", "", "", "市某某局"],
    ]
    upload = SimpleUploadedFile("x.xlsx", xlsx_bytes(rows))
    page = client.post(
        reverse("insights:import_upload"), {"session": setup["session"].pk, "file": upload},
        follow=True,
    ).content.decode()
    table = page[page.index('id="import-preview"'):page.index("</table>")]
    first, second = table.split("<tr")[2:4]  # after the header row
    assert "第2行" in first and "20" in first and "关于甲的提案" in first and "王波" in first
    assert "市住建局" in first and "附议：李明" in first and "has-error" not in first
    assert 'class="has-error"' in second and "关于乙的提案" in second
    assert "本届次已有第500号提案。" in second
    assert "“建议承办单位”中有未知单位：市某某局。" in second
    assert "第3行：" not in second  # the row number is the table's own column
    assert "确认导入" not in page


def test_it_imports_the_same_as_registering_by_hand(setup):
    """The bulk import must leave exactly what proposal_register leaves."""
    from proposals.services import proposal_register

    session, clerk = setup["session"], setup["clerk"]
    record = importing.import_create(
        session=session, owner=clerk, filename="a.xlsx",
        data=xlsx_bytes(
            [[7, " 关于A的提案 ", "王波", "李明、王波、李明", "", "", "内容", "市住建局"]]
        ),
    )
    importing.import_confirm(record=record, actor=clerk)
    imported = Proposal.objects.get(session=session, number=7)
    by_hand = proposal_register(
        session=session, number=8, title=" 关于A的提案 ", content="内容",
        lead_proposer=imported.lead_proposer, co_signers=list(imported.co_signers.all()),
        suggested_units="市住建局", actor=clerk,
    )
    fields = ["title", "content", "reasons", "suggestions", "status", "is_collective",
              "suggested_units", "lead_proposer_id", "created_by_id", "merged_into_id"]
    assert [getattr(imported, f) for f in fields] == [getattr(by_hand, f) for f in fields]
    assert [c.name for c in imported.co_signers.all()] == ["李明"]
    for proposal in (imported, by_hand):
        latest = proposal.history.first()
        assert latest.history_user == clerk
        assert [r.proposer.name for r in latest.co_signers.all()] == ["李明"]
