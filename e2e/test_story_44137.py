"""The whole 44137 story in a real browser: the clerk registers, accepts and assigns, and
makes it a key proposal (重点提案) led by a vice chair; the lead unit's administrator gives
its handler a task; a co unit submits its section; the lead unit records its contact with
the proposer (closing the task), accepts the section, composes the reply, checks and
submits it; the signer is held back until the co unit confirms the final text (会签) and
the clerk records the leader's note (督办); the signer signs it off; the proposer opens the
personal link on a phone and answers 满意; the clerk sees the proposal answered with the
feedback."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from e2e.conftest import ARTIFACTS, doc_screen
from proposals.models import (
    Assignment,
    CommitteeRole,
    ContactRecord,
    Membership,
    Proposal,
    Section,
)
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-12345"
# 交办 day of the real proposal; every step happens on it (the clock ticks from 09:00).
DAY = dt.datetime(2025, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def people(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    with time_machine.travel(DAY, tick=True):
        committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
        # 会签 on (the product's default) and, for key proposals, the leader's note required
        # before sign-off (issue 20).
        SessionFactory(committee=committee, name="十四届四次会议", is_current=True,
                       countersign_required=True, key_requires_leader_note=True)
        units = {
            "lead": UnitFactory(committee=committee, name="连云港市市场监督管理局",
                                short_name="市市场监管局", doc_prefix="连市监办复"),
            "co": UnitFactory(committee=committee, name="连云港市科学技术局",
                              short_name="市科技局"),
            "co2": UnitFactory(committee=committee, name="连云港市财政局",
                               short_name="市财政局"),
        }
        UnitFactory(committee=committee, name="连云港市教育局", short_name="市教育局")
        clerk = UserFactory(username="jiaoban", first_name="提案委 张敏")
        CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
        handlers = {
            key: MembershipFactory(
                user=UserFactory(username=f"{key}_handler", first_name=f"{unit.short_name}承办人"),
                unit=unit,
                role=Membership.Role.HANDLER,
            ).user
            for key, unit in units.items()
        }
        MembershipFactory(
            user=UserFactory(username="lead_signer", first_name="马盈"),
            unit=units["lead"],
            role=Membership.Role.SIGNER,
        )
        MembershipFactory(
            user=UserFactory(username="lead_admin", first_name="孙洁"),
            unit=units["lead"],
            role=Membership.Role.UNIT_ADMIN,
        )
        ProposerFactory(committee=committee, name="王波", sector="经济界")
        ProposerFactory(committee=committee, name="李静", sector="科技界")
        yield {"units": units, "clerk": clerk, **handlers}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_it_runs_the_44137_story_from_registration_to_the_proposers_feedback(
    live_server, page: Page, people, shoot
):
    base = live_server.url
    units = people["units"]

    # 1. The clerk logs in and lands on the proposal list.
    page.goto(f"{base}/accounts/login/")
    shoot("01-login", doc="01-login")
    log_in(page, base, "jiaoban")
    expect(page.get_by_role("heading", name="提案列表")).to_be_visible()
    shoot("02-clerk-list-empty")

    # 2. Registers proposal 44137; a wrong number first shows a field error.
    page.get_by_role("link", name="登记提案").click()
    page.get_by_label("提案号", exact=True).fill("0")
    page.get_by_label("案由", exact=True).fill("关于加快知识产权强市建设的提案")
    page.get_by_role("button", name="登记").click()
    number_field = page.locator(".field", has=page.get_by_label("提案号", exact=True))
    expect(number_field).to_contain_text("提案号须为正整数。")
    expect(page.get_by_label("案由", exact=True)).to_have_value("关于加快知识产权强市建设的提案")
    page.get_by_label("提案号", exact=True).fill("44137")
    page.get_by_label("领衔人", exact=True).select_option(label="王波")
    page.get_by_label("附议人", exact=True).select_option(label="李静")
    page.get_by_label("提案内容", exact=True).fill(
        "知识产权是国家发展的战略性资源和国际竞争力的核心要素。"
        "我市获批国家知识产权强市试点城市，但高价值专利占比不高、转化运用不足、"
        "保护合力有待加强。"
    )
    page.get_by_label("理由", exact=True).fill("高价值发明专利占比偏低；质押融资覆盖面不广。")
    page.get_by_label("建议", exact=True).fill(
        "一、加大高价值专利培育；二、推进知识产权质押融资；三、构建协同保护体系。"
    )
    shoot("03-register-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记第44137号")
    expect(page.locator(".page-head h1")).to_have_text("关于加快知识产权强市建设的提案")

    # 3. Accepts it (立案) and assigns a lead unit and two co units.
    page.get_by_role("button", name="立案", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("第44137号已立案")
    page.get_by_role("link", name="交办").click()
    rows = page.locator(".assign-rows tbody tr")
    rows.nth(0).locator("select[name$='-unit']").select_option(label=units["lead"].name)
    rows.nth(1).locator("select[name$='-unit']").select_option(label=units["co"].name)
    rows.nth(2).locator("select[name$='-unit']").select_option(label=units["co2"].name)
    expect(rows.nth(0).locator("input[name$='-due_on']")).to_have_value("2025-06-20")
    expect(rows.nth(1).locator("input[name$='-due_on']")).to_have_value("2025-04-21")
    shoot("04-assign", doc="03-assign")
    page.get_by_role("button", name="确认交办").click()
    expect(page.locator(".messages")).to_contain_text("已交办给3个单位")
    shoot("05-clerk-proposal-assigned")
    proposal = Proposal.objects.get(number=44137)
    assert proposal.status == Proposal.Status.ASSIGNED
    assert sorted(proposal.assignments.values_list("role", flat=True)) == ["co", "co", "lead"]
    # 3a. The committee makes it a key proposal (重点提案) led by a vice chair.
    key = page.locator("#key")
    key.get_by_label("领衔督办领导", exact=True).fill("王建华")
    key.get_by_label("职务", exact=True).fill("市政协副主席")
    key.get_by_label("督办单位", exact=True).fill("市政协提案委员会")
    key.get_by_role("button", name="列为重点提案").click()
    expect(page.locator(".page-head .pill.key")).to_have_text("重点")
    expect(page.locator("#key")).to_contain_text("王建华（市政协副主席）")
    log_out(page)

    # 3b. The lead unit's administrator gives its handler a task: contact the proposer.
    log_in(page, base, "lead_admin")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案").click()
    tasks = page.locator("#tasks")
    tasks.get_by_text("分派新任务").click()
    tasks.get_by_label("任务类型", exact=True).select_option(label="联系提案人")
    tasks.get_by_label("承办人", exact=True).select_option(label="市市场监管局承办人")
    tasks.get_by_label("期限", exact=True).fill("2025-04-10")
    tasks.get_by_label("说明", exact=True).fill("上门走访王波委员，听取意见。")
    tasks.get_by_role("button", name="分派任务").click()
    expect(page.locator("#tasks")).to_contain_text("市市场监管局承办人")
    log_out(page)

    # 4. The 科技局 handler sees it on the work list and submits the section.
    log_in(page, base, "co_handler")
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    shoot("06-co-worklist")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案").click()
    page.get_by_role("link", name="撰写协办意见").click()
    page.get_by_label("标题", exact=True).fill("聚力高价值创造，全面推进知识产权转化应用")
    page.get_by_label("正文", exact=True).fill(
        "一是持续推进专利导航服务。聚焦产业结构和发展需求，建立专利导航需求对接机制。\n\n"
        "二是深入推进专利转化实施。组织高校与企业开展线上专利匹配对接，盘点高校存量专利。"
    )
    shoot("07-co-section-form")
    page.get_by_role("button", name="提交给主办单位").click()
    expect(page.locator(".messages")).to_contain_text("意见已提交给主办单位")
    expect(page.locator(".section-card .pill")).to_have_text("已提交")
    shoot("08-co-section-submitted")
    log_out(page)

    # 5. The lead handler finds the task on the home page, records the contact (and closes
    # the task) and accepts the section.
    log_in(page, base, "lead_handler")
    expect(page.locator("main")).to_contain_text("联系提案人")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案", exact=True).click()
    page.get_by_role("link", name="记录沟通协商").click()
    page.get_by_label("沟通日期", exact=True).fill("2025-03-20")
    page.get_by_label("方式", exact=True).select_option(label="走访")
    page.get_by_label("参加人员", exact=True).fill("王波委员、局知识产权处")
    page.get_by_label("沟通情况", exact=True).fill(
        "上门走访王波委员，介绍强市试点工作方案，委员对办理思路表示认可。"
    )
    shoot("09-lead-contact-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已记录沟通协商情况")
    page.locator("#tasks").get_by_role("button", name="标记完成").click()
    expect(page.locator("#tasks .pill.task-state-done")).to_have_text("已完成")
    card = page.locator(".section-card", has_text="聚力高价值创造")
    expect(card).to_contain_text("连云港市科学技术局")
    shoot("10-lead-assignment", doc="05-lead-assignment")
    card.get_by_role("button", name="采纳").click()
    expect(page.locator(".messages")).to_contain_text("已采纳连云港市科学技术局的意见")
    expect(card.locator(".pill")).to_have_text("已采纳")
    shoot("11-lead-section-accepted")
    log_out(page)

    # 6. The clerk sees it all on the proposal's timeline.
    log_in(page, base, "jiaoban")
    page.get_by_role("link", name=re.compile("关于加快知识产权强市建设的提案")).click()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("协办意见：已采纳")
    expect(timeline).to_contain_text("记录沟通协商")
    shoot("12-clerk-timeline")

    assert ContactRecord.objects.filter(assignment__proposal=proposal).count() == 1
    section = Section.objects.get(assignment__proposal=proposal)
    assert section.state == Section.State.ACCEPTED
    assert section.assignment.unit == units["co"]
    lead = Assignment.objects.get(proposal=proposal, role="lead")
    assert lead.state == Assignment.State.IN_PROGRESS
    log_out(page)

    # 7. The lead handler composes the reply from the accepted section with one click.
    log_in(page, base, "lead_handler")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案").click()
    page.get_by_role("button", name="撰写答复函").click()
    expect(page.get_by_role("heading", name="撰写答复函")).to_be_visible()
    expect(page.locator(".items")).to_contain_text("聚力高价值创造")
    expect(page.locator(".items .unit-co").first).to_contain_text("市科技局 · 来自协办意见")
    # The drafting checks show what is missing next to the fields concerned.
    phone_field = page.locator(".field", has=page.get_by_label("联系电话", exact=True))
    expect(phone_field).to_contain_text("缺少联系电话")
    expect(page.locator("#findings")).to_contain_text("处错误")
    shoot("13-compose-with-findings", doc="06-compose")
    # The lead adds a closing paragraph of its own before the standard closing.
    count = page.locator(".items > li").count()
    page.get_by_role("button", name="正文段落").click()
    expect(page.locator(".messages")).to_contain_text("尚未保存")
    page.get_by_label(f"第{count}项内容", exact=True).fill(
        "下一步，我局将会同市科技局等部门，持续推进知识产权强市建设。"
    )
    page.get_by_label("办理类别", exact=True).select_option("A")
    page.get_by_label("联系人", exact=True).fill("朱昌伟")
    page.get_by_label("联系电话", exact=True).fill("18905131999")
    page.get_by_role("button", name="保存并检查").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#findings")).not_to_contain_text("处错误")
    shoot("14-compose-checked")
    # Preview: the letter's pages as images (LibreOffice on the server).
    page.goto(f"{base}/replies/{proposal.replies.get().pk}/preview/")
    expect(page.locator(".pages img").first).to_be_visible(timeout=120_000)
    shoot("15-preview")
    page.go_back()
    page.get_by_role("button", name="保存并送审").click()
    expect(page.locator(".messages")).to_contain_text("已送签发人审核")
    shoot("16-submitted")
    log_out(page)

    # 8a. The signer may not sign yet: 市科技局 has not confirmed the final text (会签),
    # and the key proposal's leader has not given a note.
    log_in(page, base, "lead_signer")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案").click()
    page.get_by_role("link", name="审核签发").click()
    expect(page.locator("#sign-blocked")).to_contain_text("市科技局尚未会签")
    expect(page.get_by_role("button", name="签发", exact=True)).to_be_disabled()
    log_out(page)

    # 8b. 市科技局 reads the final draft, its own paragraphs marked, and confirms (会签).
    log_in(page, base, "co_handler")
    page.get_by_role("link", name="市市场监管局对第44137号提案的答复").click()
    expect(page.locator("mark, .mine").first).to_be_visible()
    page.get_by_role("button", name="同意，会签").click()
    expect(page.locator(".notice-ok")).to_contain_text("本单位已于")
    log_out(page)

    # 8c. The clerk records the leader's note (督办: 领导批示).
    log_in(page, base, "jiaoban")
    page.get_by_role("link", name=re.compile("关于加快知识产权强市建设的提案")).click()
    page.get_by_role("link", name="记录督办").click()
    page.get_by_label("日期").fill("2025-03-20")
    page.get_by_label("督办方式").select_option(label="领导批示")
    page.get_by_label("参加人员").fill("王建华副主席")
    page.get_by_label("督办情况").fill("同意答复，请按期送达提案人。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#supervision")).to_contain_text("同意答复")
    log_out(page)

    # 8. The signer reads it (each paragraph with its unit) and signs it off.
    log_in(page, base, "lead_signer")
    page.get_by_role("link", name="关于加快知识产权强市建设的提案").click()
    page.get_by_role("link", name="审核签发").click()
    expect(page.locator("#sign-blocked")).to_have_count(0)
    outline = page.locator(".letter-outline")
    expect(outline).to_contain_text("聚力高价值创造")
    expect(outline.locator(".unit-co").first).to_have_text("市科技局")
    shoot("17-signer-review", doc="07-signer-review")
    page.get_by_role("button", name="签发", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已签发，文号 连市监办复〔2025〕1号")
    link = page.get_by_label("提案人链接").input_value()
    assert "/f/" in link
    shoot("18-signed", doc="08-signed")
    page.get_by_role("button", name="标记为已发送").click()
    expect(page.locator(".messages")).to_contain_text("已标记为已发送")
    log_out(page)

    # 9. The proposer opens the personal link on a phone and answers 满意.
    phone = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
    )
    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.locator(".public-head")).to_contain_text("连云港市市场监督管理局")
    expect(mobile.locator(".letter")).to_contain_text("一、聚力高价值创造")
    mobile.screenshot(path=str(ARTIFACTS / "story--19-proposer-phone.png"), full_page=True)
    doc_screen(mobile, "09-proposer-phone")
    # Two answers: 办理过程 (contact, attitude) and 办理结果, each its own group.
    mobile.get_by_role("group", name="办理过程").get_by_label("满意", exact=True).check()
    mobile.get_by_role("group", name="办理结果").get_by_label("满意", exact=True).check()
    mobile.get_by_label("意见和建议（可选）").fill("答复实在，感谢。")
    mobile.get_by_role("button", name="提交评价").click()
    expect(mobile.locator(".thanks")).to_contain_text("感谢您的评价")
    mobile.screenshot(path=str(ARTIFACTS / "story--20-proposer-thanks.png"), full_page=True)
    phone.close()

    # 10. The clerk sees the proposal answered, with the proposer's feedback.
    log_in(page, base, "jiaoban")
    page.get_by_role("link", name=re.compile("关于加快知识产权强市建设的提案")).click()
    expect(page.locator(".page-head .pill").first).to_have_text("已反馈")
    replies = page.locator("#replies")
    expect(replies).to_contain_text("连市监办复〔2025〕1号")
    expect(replies).to_contain_text("满意")
    shoot("21-clerk-answered-with-feedback", doc="10-clerk-feedback")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FEEDBACK
    assert proposal.is_key and proposal.supervising_leader == "王建华"
    assert proposal.supervision_records.get().kind == "leader_note"
    task = lead.tasks.get()
    assert (task.kind, task.state, task.assignee.username) == ("contact", "done", "lead_handler")
    from replies.models import Countersign

    countersign = Countersign.objects.get(reply__proposal=proposal)
    assert (countersign.unit, countersign.state) == (units["co"], Countersign.State.CONFIRMED)
    reply = proposal.replies.get()
    assert reply.state == "sent" and reply.feedback.satisfaction == "satisfied"
    assert (reply.feedback.process_satisfaction, reply.feedback.result_satisfaction) == (
        "satisfied", "satisfied")
