"""What each demo role sees, checked in Chromium: the demo is loaded once, each role logs in
and walks every page reachable from its home (GET only, same origin, bounded), and every
page goes through axe-core plus our own checks:

- axe (WCAG 2.0/2.1 A and AA rules and axe's best practices): serious and critical
  violations fail; moderate and minor ones are counted in the summary;
- text whose colour equals its background (axe files it under *incomplete*, not
  *violations*): a contrast below 1.5:1 computed from the colours axe reports fails;
- `<html lang="zh-hans">` and a non-empty title;
- every id that a label or aria-describedby/-labelledby points to exists (axe only calls
  a missing one "incomplete": help text that is never read out with its field);
- no English sentence of Django's own (Not Found, Forbidden, Server Error, ...);
- no link leads that role to a 403, 404 or 500 (each same-origin href is fetched, bounded;
  downloads .docx/.xlsx/.pdf/.zip are fetched and must answer 200, never rendered), and nothing
  a page loads (stylesheet, script, image, tab icon) answers 4xx/5xx.

The crawl runs once per module (one browser, one context per role); each role's test then
reports that role's failures with page, rule, target selector and role. A summary (pages
per role, rules run, violations per rule) is printed at the end of the run.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from demo.testing import load_demo_once_converted
from e2e.conftest import A11Y_SUMMARY, ARTIFACTS, doc_screen

ROLES = [
    "admin", "tiwei", "zhengfuban", "scjg_zhu", "scjg_ma", "scjg_admin", "kj_li", "sf_wu",
    "cz_zhao",
    # The second city's clerk and the province's, who reads both cities (rls/).
    "xz_tiwei", "sheng_tiwei",
]
PASSWORD = "Demo@2025pass"
# Pages reached only through a form (GET) rather than a link.
EXTRA_SEEDS = ["/insights/search/?q=知识产权"]
ROLE_SEEDS = {"sheng_tiwei": ["/insights/province/search/?q=电梯"]}

# Pages kept in docs/screens/ (with E2E_DOC_SCREENS=1): the demo's data fills them.
DOC_SCREENS_OF = {
    ("tiwei", "/"): "02-clerk-home",
    ("scjg_zhu", "/"): "04-unit-home",
    ("tiwei", "/insights/"): "11-dashboard",
    ("tiwei", EXTRA_SEEDS[0]): "12-search",
    ("sheng_tiwei", "/insights/province/"): "19-province",
    ("sheng_tiwei", ROLE_SEEDS["sheng_tiwei"][0]): "20-province-search",
}

PAGES_PER_PATTERN = 3
PAGES_PER_ROLE = 45
LINKS_PER_ROLE = 400
DOWNLOADS_PER_PATTERN = 2

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
REQUIRED_RULES = {
    "color-contrast", "button-name", "link-name", "label", "select-name",
    "html-has-lang", "document-title", "image-alt",
}
FAILING_IMPACTS = {"serious", "critical"}
MIN_CONTRAST = 1.5
DOWNLOAD_PATH = re.compile(r"(\.(docx|xlsx|pdf|zip|crl|pem)|/download/)$")
SKIP = re.compile(r"/logout/")
DJANGO_ENGLISH = re.compile(
    r"Not Found|Forbidden|Server Error|CSRF verification failed|Page not found"
)


@dataclass
class RoleReport:
    role: str
    pages: list[str] = field(default_factory=list)
    links_checked: int = 0
    downloads_checked: int = 0
    rules: set[str] = field(default_factory=set)
    violations: Counter = field(default_factory=Counter)  # rule id -> nodes, every impact
    failures: list[str] = field(default_factory=list)


def _pattern(url: str) -> str:
    """The URL's route (e.g. proposals/<int:pk>/) and its query's keys, so that pages of one
    kind count together."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return route + ("?" + "&".join(keys) if keys else "")


def is_download(url: str) -> bool:
    return bool(DOWNLOAD_PATH.search(urlsplit(url).path))


def _normalise(url: str) -> str:
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + ("?" + query if query else "")


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(fg: str, bg: str) -> float:
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _target(node: dict) -> str:
    return " ".join(str(t) for t in node.get("target", []))


def _colours(node: dict) -> str:
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and data.get("fgColor") and data.get("bgColor"):
            return f" ({data['fgColor']} on {data['bgColor']}, {data.get('contrastRatio')}:1)"
    return ""


def axe_failures(results: dict, where: str) -> list[str]:
    """Serious and critical violations, and text that (nearly) vanishes into its background
    among the incomplete contrast checks."""
    failures = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            if (node.get("impact") or rule.get("impact")) in FAILING_IMPACTS:
                failures.append(
                    f"{where}: {rule['id']} ({node.get('impact') or rule['impact']}) "
                    f"at {_target(node)} — {rule['help']}{_colours(node)}"
                )
    for rule in results["incomplete"]:
        if rule["id"] != "color-contrast":
            continue
        for node in rule["nodes"]:
            for check in node.get("any", []):
                data = check.get("data") or {}
                fg, bg = data.get("fgColor"), data.get("bgColor")
                if not (isinstance(fg, str) and isinstance(bg, str)):
                    continue
                ratio = contrast_ratio(fg, bg)
                if ratio < MIN_CONTRAST:
                    failures.append(
                        f"{where}: color-contrast (text invisible: {fg} on {bg}, "
                        f"{ratio:.2f}:1) at {_target(node)}"
                    )
    return failures


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def crawl_role(browser, context_args: dict, base: str, role: str) -> RoleReport:
    report = RoleReport(role)
    context = browser.new_context(**context_args)
    context.add_init_script(path=str(AXE_FILE_PATH))
    page = context.new_page()
    # Stylesheets, scripts, images and the tab icon a page loads (the favicon request comes
    # after the load event, so it is reported with whichever page is open by then).
    broken: dict[str, str] = {}
    page.on(
        "response",
        lambda r: broken.setdefault(r.url, f"{r.status} (around {urlsplit(page.url).path})")
        if r.status >= 400 and r.request.resource_type != "document"
        else None,
    )
    try:
        _log_in(page, base, role)
        queue = deque(["/", *EXTRA_SEEDS, *ROLE_SEEDS.get(role, [])])
        queued = set(queue)
        per_pattern: Counter = Counter()
        hrefs: dict[str, str] = {}  # normalised same-origin href -> first page it was on
        visited: set[str] = set()  # judged by the visit itself, not fetched again
        while queue and len(report.pages) < PAGES_PER_ROLE:
            path = queue.popleft()
            pattern = _pattern(path)
            if per_pattern[pattern] >= PAGES_PER_PATTERN:
                continue
            per_pattern[pattern] += 1
            where = f"[{role}] {path}"
            visited.add(path)
            try:
                response = page.goto(base + path)
            except PlaywrightError as exc:
                report.failures.append(f"{where} (linked from {hrefs.get(path)}): {exc}")
                continue
            if response is None or response.status != 200:
                report.failures.append(
                    f"{where} (linked from {hrefs.get(path)}): answered "
                    f"{response and response.status}"
                )
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            page.wait_for_load_state("load")
            report.pages.append(path)
            if (role, path) in DOC_SCREENS_OF:
                doc_screen(page, DOC_SCREENS_OF[role, path])
            report.failures.extend(check_page(page, where))
            results = page.evaluate(
                "opts => axe.run(document, opts)",
                {"runOnly": {"type": "tag", "values": AXE_TAGS},
                 "resultTypes": ["violations", "incomplete"]},
            )
            for kind in ("violations", "incomplete", "passes", "inapplicable"):
                report.rules.update(rule["id"] for rule in results[kind])
            for rule in results["violations"]:
                report.violations[rule["id"]] += len(rule["nodes"])
            report.failures.extend(axe_failures(results, where))
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for link in links:
                if not link.startswith(base + "/"):
                    continue
                target = _normalise(link[len(base):])
                if SKIP.search(target):
                    continue
                hrefs.setdefault(target, path)
                if (
                    target not in queued
                    and not is_download(target)
                    and not (target.startswith("/admin/") and target != "/admin/")
                ):
                    queued.add(target)
                    queue.append(target)
        report.failures.extend(
            f"[{role}] {url} answered {what}" for url, what in broken.items()
        )
        unvisited = {href: source for href, source in hrefs.items() if href not in visited}
        check_links(context, base, role, unvisited, report)
    finally:
        context.close()
    return report


DANGLING_REFERENCES = """() => {
  const out = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")) {
    for (const attr of ["aria-describedby", "aria-labelledby", "for"]) {
      if (attr === "for" && el.tagName !== "LABEL") continue;
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) out.push(`<${el.tagName.toLowerCase()} ${attr}="${id}">`);
      }
    }
  }
  return out;
}"""


def check_page(page, where: str) -> list[str]:
    failures = []
    for reference in page.evaluate(DANGLING_REFERENCES):
        failures.append(f"{where}: {reference} points to no element")
    lang = page.evaluate("document.documentElement.getAttribute('lang')")
    if lang != "zh-hans":
        failures.append(f"{where}: <html lang> is {lang!r}, not 'zh-hans'")
    if not page.title().strip():
        failures.append(f"{where}: the page has no title")
    english = DJANGO_ENGLISH.search(page.locator("body").inner_text())
    if english:
        failures.append(f"{where}: shows Django's English {english.group(0)!r}")
    return failures


def check_links(context, base: str, role: str, hrefs: dict, report: RoleReport) -> None:
    downloads: Counter = Counter()
    for target, source in list(hrefs.items())[:LINKS_PER_ROLE]:
        if is_download(target):
            pattern = _pattern(target)
            if downloads[pattern] >= DOWNLOADS_PER_PATTERN:
                continue
            downloads[pattern] += 1
            report.downloads_checked += 1
        response = context.request.get(base + target)
        report.links_checked += 1
        if is_download(target):
            if response.status != 200:
                report.failures.append(
                    f"[{role}] {source}: download {target} answers {response.status}"
                )
        elif response.status >= 400:
            report.failures.append(f"[{role}] {source}: link {target} answers {response.status}")
        response.dispose()


@pytest.fixture(scope="module")
def crawl(request, django_db_setup, django_db_blocker, live_server, browser,
          browser_context_args):
    """The demo in the live server's database and every role's walk through it, done once.
    Runs before the first test's transactional database is set up; that test's teardown
    flushes the demo away again."""
    with django_db_blocker.unblock():
        _seed_holidays()
        load_demo_once_converted()
        live_server._live_server_modified_settings.enable()
        try:
            reports = {
                role: crawl_role(browser, browser_context_args, live_server.url, role)
                for role in ROLES
            }
        finally:
            live_server._live_server_modified_settings.disable()
    request.config.stash.setdefault(A11Y_SUMMARY, []).extend(summary(reports))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "what-each-role-sees.txt").write_text(
        "\n".join(
            "\n".join([f"## {r.role}", *r.pages, "", *r.failures, ""]) for r in reports.values()
        ),
        encoding="utf-8",
    )
    return reports


def _seed_holidays() -> None:
    # An earlier transactional test flushed the calendar that the data migration seeded.
    from proposals.services import holidays_seed_missing_years

    holidays_seed_missing_years()


def summary(reports: dict[str, RoleReport]) -> list[str]:
    lines = ["What each role sees (axe-core %s):" % ", ".join(AXE_TAGS)]
    total: Counter = Counter()
    rules: set[str] = set()
    for report in reports.values():
        lines.append(
            f"  {report.role:<11} {len(report.pages):>3} pages, {report.links_checked:>3} links "
            f"checked ({report.downloads_checked} downloads), {len(report.rules)} rules run, "
            f"{sum(report.violations.values())} violating nodes, "
            f"{len(report.failures)} failures"
        )
        total.update(report.violations)
        rules |= report.rules
    lines.append(f"  {len(rules)} axe rules run in all")
    lines.append(
        "  violations by rule (nodes, every impact): "
        + (", ".join(f"{rule} {n}" for rule, n in total.most_common()) or "none")
    )
    return lines


def test_it_runs_the_required_axe_rules(crawl):
    for report in crawl.values():
        assert report.pages, f"{report.role} saw no page"
        assert report.rules >= REQUIRED_RULES, REQUIRED_RULES - report.rules


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_pages_that_everyone_can_read_and_use(crawl, role):
    failures = crawl[role].failures
    assert not failures, f"{len(failures)} problems for {role}:\n" + "\n".join(failures)


# --- the judging itself, on axe's result shape (no browser) ------------------------------


def _node(impact, target, data=None):
    return {"impact": impact, "target": [target], "any": [{"data": data}] if data else []}


def test_it_computes_contrast_as_wcag_does():
    assert contrast_ratio("#ffffff", "#ffffff") == 1
    assert round(contrast_ratio("#000", "#fff"), 1) == 21
    assert round(contrast_ratio("#b4241b", "#ffffff"), 2) == 6.54


def test_it_fails_serious_and_critical_violations_and_text_that_vanishes():
    results = {
        "violations": [
            {"id": "button-name", "impact": "critical", "help": "Buttons must have text",
             "nodes": [_node("critical", "form.inline > button")]},
            {"id": "color-contrast", "impact": "serious", "help": "contrast", "nodes": [
                _node("serious", "a.pale", {"fgColor": "#aaaaaa", "bgColor": "#ffffff",
                                            "contrastRatio": 2.32}),
            ]},
            {"id": "landmark-unique", "impact": "moderate", "help": "unique landmarks",
             "nodes": [_node("moderate", "header > nav")]},
        ],
        "incomplete": [
            {"id": "color-contrast", "impact": "serious", "nodes": [
                _node("serious", "button.white", {"fgColor": "#ffffff", "bgColor": "#ffffff"}),
                _node("serious", "td .pill", {"fgColor": None, "bgColor": None}),
                _node("serious", "span.faint", {"fgColor": "#777777", "bgColor": "#ffffff"}),
            ]},
        ],
    }
    failures = axe_failures(results, "[kj_li] /work/14/")
    assert len(failures) == 3
    assert failures[0].startswith("[kj_li] /work/14/: button-name (critical) at form.inline")
    assert failures[1].endswith("at a.pale — contrast (#aaaaaa on #ffffff, 2.32:1)")
    assert "#ffffff on #ffffff, 1.00:1) at button.white" in failures[2]


def test_it_counts_pages_of_one_kind_together():
    assert _pattern("/proposals/12/") == _pattern("/proposals/7/") == "proposals/<int:pk>/"
    assert _pattern("/proposals/?status=a&page=2") == "proposals/?page&status"
    assert _normalise("/proposals/?b=2&a=1#x") == "/proposals/?a=1&b=2"
    assert is_download("/replies/3/letter.docx") and is_download("/jobs/4/download/")
    assert is_download("/insights/sessions/1/dashboard.xlsx?unit=2")
    assert is_download("/replies/4/dossier.zip") and is_download("/replies/4/record.pdf")
    assert not is_download("/replies/3/")
