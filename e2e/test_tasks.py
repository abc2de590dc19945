"""Tasks inside a unit in a real browser: the unit administrator gives the handler a task on
the assignment page (a due date after the unit's is refused in Chinese next to the field),
hands another over to a colleague; the handler finds them on the home page, the overdue one
marked 过期, and marks one done. Screens 13 and 14 (E2E_DOC_SCREENS=1)."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from e2e.conftest import doc_screen
from proposals.models import Assignment, CommitteeRole, Membership, Notice, Proposal, Task
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-12345"
DAY = dt.datetime(2025, 4, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def unit(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    with time_machine.travel(DAY, tick=True):
        committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
        session = SessionFactory(committee=committee, name="十四届四次会议", is_current=True)
        lead = UnitFactory(committee=committee, name="连云港市市场监督管理局",
                           short_name="市市场监管局", doc_prefix="连市监办复")
        clerk = UserFactory(username="jiaoban", first_name="提案委 张敏")
        CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
        people = {}
        for username, name, role in [
            ("scjg_admin", "陈立（单位管理员）", Membership.Role.UNIT_ADMIN),
            ("scjg_zhu", "朱明", Membership.Role.HANDLER),
            ("scjg_li", "李华", Membership.Role.HANDLER),
            ("scjg_ma", "马盈", Membership.Role.SIGNER),
        ]:
            people[username] = MembershipFactory(
                user=UserFactory(username=username, first_name=name), unit=lead, role=role
            ).user
        proposer = ProposerFactory(committee=committee, name="王波", sector="经济界")
        work = {}
        for number, title, due in [
            (44137, "关于加快知识产权强市建设的提案", dt.date(2025, 6, 20)),
            (44139, "关于推进预制菜产业食品安全监管的提案", dt.date(2025, 6, 27)),
        ]:
            proposal = ProposalFactory(
                session=session, number=number, title=title, lead_proposer=proposer,
                status=Proposal.Status.IN_PROGRESS, assigned_on=dt.date(2025, 3, 20),
            )
            work[number] = AssignmentFactory(
                proposal=proposal, unit=lead, role=Assignment.Role.LEAD,
                assigned_on=dt.date(2025, 3, 20), due_on=due,
                state=Assignment.State.IN_PROGRESS,
            )
        admin, zhu = people["scjg_admin"], people["scjg_zhu"]
        for assignment, title, kind, holder, due, state in [
            (work[44139], "走访预制菜生产企业", Task.Kind.SURVEY, zhu, dt.date(2025, 4, 3), "open"),
            (work[44139], "电话联系提案人", Task.Kind.CONTACT, zhu, dt.date(2025, 4, 1), "done"),
            (work[44137], "汇总科技局、财政局意见", Task.Kind.OPINION, people["scjg_li"],
             dt.date(2025, 4, 30), "open"),
        ]:
            Task.objects.create(assignment=assignment, kind=kind, title=title, assignee=holder,
                                due_on=due, state=state, created_by=admin)
        yield {"work": work, **people}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_the_unit_gives_out_tasks_and_the_handler_sees_them_at_home(live_server, page: Page, unit):
    base = live_server.url
    with time_machine.travel(DAY, tick=True):
        # 1. The unit administrator opens 44137 and gives the handler a task.
        log_in(page, base, "scjg_admin")
        page.goto(f"{base}/work/{unit['work'][44137].pk}/")
        tasks = page.locator("#tasks")
        expect(tasks).to_contain_text("李华 1项待办")
        tasks.get_by_text("分派新任务").click()
        tasks.get_by_label("任务类型", exact=True).select_option(label="起草答复函")
        tasks.get_by_label("承办人", exact=True).select_option(label="朱明")
        tasks.get_by_label("期限", exact=True).fill("2025-06-30")
        tasks.get_by_label("说明", exact=True).fill("采纳协办单位意见后，周五前送分管领导审阅。")
        tasks.get_by_role("button", name="分派任务").click()
        due_field = page.locator(".field", has=page.get_by_label("期限", exact=True))
        expect(due_field).to_contain_text(
            "任务期限（2025年6月30日）不能晚于本单位的办理期限（2025年6月20日）。"
        )
        expect(page.get_by_label("说明", exact=True)).to_have_value(
            "采纳协办单位意见后，周五前送分管领导审阅。"
        )
        assert not Task.objects.filter(kind=Task.Kind.REPLY).exists()
        page.get_by_label("期限", exact=True).fill("2025-04-11")
        page.get_by_role("button", name="分派任务").click()
        expect(page.locator(".messages")).to_contain_text("已把任务“起草答复函”交给朱明。")

        # 2. Hands 李华's task over to 朱明 in one step.
        card = page.locator(".section-card.task", has_text="汇总科技局、财政局意见")
        card.get_by_label("转交给", exact=True).select_option(label="朱明")
        card.get_by_role("button", name="转交").click()
        expect(page.locator(".messages")).to_contain_text("已转交给朱明")
        expect(page.locator("#tasks")).to_contain_text("朱明 2项待办")
        page.locator("#tasks").get_by_text("分派新任务").click()
        # Who holds what, the open tasks and the whole form, from the card's heading down.
        page.evaluate("document.getElementById('tasks').scrollIntoView({block: 'start'})")
        doc_screen(page, "13-unit-tasks")
        log_out(page)

        # 3. The handler's home: the overdue task first, marked 过期; then the new ones.
        log_in(page, base, "scjg_zhu")
        mine = page.locator("#my-tasks")
        rows = mine.locator("tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("走访预制菜生产企业")
        expect(rows.nth(0)).to_contain_text("过期5天")
        expect(rows.nth(1)).to_contain_text("起草答复函")
        expect(rows.nth(1)).to_contain_text("临期")
        page.evaluate("document.getElementById('my-tasks').scrollIntoView()")
        doc_screen(page, "14-handler-tasks")
        rows.nth(0).get_by_role("button", name="完成").click()
        expect(page.locator(".messages")).to_contain_text("任务“走访预制菜生产企业”已完成。")
        expect(page.locator("#my-tasks tbody tr")).to_have_count(2)

    assert Task.objects.get(title="走访预制菜生产企业").state == Task.State.DONE
    handed = Task.objects.get(title="汇总科技局、财政局意见")
    assert handed.assignee == unit["scjg_zhu"]
    assert handed.history.order_by("history_id").last().history_user == unit["scjg_admin"]
    assert Notice.objects.filter(recipient=unit["scjg_zhu"]).count() == 2
