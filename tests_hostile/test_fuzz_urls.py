"""Every URL of the project, every parameter its view reads, hostile values, every role: no
server error (issue 16).

The URL list is the project's resolver itself (the Django admin only for its index and the
project's own model pages), so a new URL is fuzzed without anyone adding it here; a new
path argument that no provider below knows fails `test_every_path_argument_has_a_source`.

The parameters of a URL are the union of:
- the names its view's module reads (`GET.get("x")`, `POST["x"]`, `FILES.get("x")`),
- the fields of the forms that module builds (`SomeForm(` → `SomeForm.base_fields`),
- the names of the inputs on the page as each role sees it (formset prefixes included).

Each URL gets, with the roles (anonymous included) taking turns: GET and POST of every real
and hostile path, then each parameter set to one hostile value at a time, three values a
parameter or more when a URL has fewer than eight, rotating so a URL's parameters together
meet every value (a fixed pass; six values for every parameter made it some 10,000
requests, a quarter of the whole test run); then Hypothesis
draws further combinations (role, method, real or hostile path ids, several parameters with
hostile or random text).
A response of 500 or more, or an exception out of the view, fails with the request that
caused it. The demo is loaded once for the module and rolled back at its end.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

ROLES = ["anonymous", "admin", "tiwei", "zhengfuban", "scjg_zhu", "scjg_ma", "kj_li", "sf_wu"]

HOSTILE = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "9" * 30,
    "１２３",  # full-width digits
    "２０２５-０２-３０",
    "\x00",
    "\x1b[31m红\x08",
    "长" * 10_000,
    "'; DROP TABLE proposals_proposal; --",
    "1' OR '1'='1",
    "{{ 7*7 }}{% debug %}",
    "<script>alert(1)</script>",
    "2025-02-30",
    "9999-12-31",
    "0000-00-00",
    "😀👍🏻",
    "%",
    "\u202e反转",
    "[]",
    "on",
]
HOSTILE_INTS = [0, 2**31, 2**63, 10**25]
VALUES_PER_PARAM = 3  # at least; a URL with few parameters gives each more (see the docstring)
HOSTILE_STRS = ["abc", "x" * 500, "%00", "..%2F..", "😀"]

_READS = re.compile(r"""\b(?:GET|POST|FILES|data)(?:\.get|\.getlist|\.pop)?\(\s*["'](\w+)["']""")
_INDEX = re.compile(r"""\b(?:GET|POST|FILES)\[\s*["'](\w+)["']\s*\]""")
_FORMS = re.compile(r"\b([A-Z]\w*Form(?:Set)?)\(")
_INPUTS = re.compile(r"""<(?:input|select|textarea|button)\b[^>]*\bname=["']([^"']+)["']""")


def _patterns() -> list[tuple[str, str, URLPattern]]:
    """(url name, route, pattern) of every project URL; of the admin its index and the
    change list / add / change pages of the project's own models."""
    found: list[tuple[str, str, URLPattern]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p, route, ns or None)
                continue
            name = ":".join(filter(None, [namespace, p.name])) if p.name else route
            if name.startswith("admin:"):
                own = name.split(":")[1].split("_")[0] in {"proposals", "replies", "jobs",
                                                          "insights"}
                if name != "admin:index" and not (
                    own and name.endswith(("_changelist", "_add", "_change"))
                ):
                    continue
            found.append((name, route, p))

    walk(get_resolver(), "", None)
    return found


PATTERNS = _patterns()


def _arg_names(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _int_arg(pattern: URLPattern, arg: str) -> bool:
    converters = getattr(pattern.pattern, "converters", {})
    return type(converters.get(arg)).__name__ == "IntConverter"


# --- real objects for path arguments ------------------------------------------------------


def _real_kwargs(name: str, args: list[str], demo: dict) -> list[dict]:
    """Path arguments that name real demo objects, so the fuzz reaches past the 404."""
    from insights.models import ProposalImport
    from jobs.models import Job
    from proposals.models import (
        Assignment,
        Committee,
        ExtensionRequest,
        Proposal,
        ReassignmentRequest,
        Section,
        Session,
        Task,
    )
    from replies.models import Countersign, Publication, Reply

    def ids(qs, **extra):
        return [{"pk": pk, **extra} for pk in qs.values_list("pk", flat=True)[:4]]

    if not args:
        return [{}]
    if name.startswith("admin:"):
        model = PATTERN_MODELS.get(name)
        if model is None:
            return [{}]
        return [{"object_id": str(pk)} for pk in model.objects.values_list("pk", flat=True)[:2]]
    if args == ["session_id"]:
        return [{"session_id": pk} for pk in Session.objects.values_list("pk", flat=True)]
    if args == ["token"]:
        return [{"token": token} for token in demo["tokens"]]
    if args == ["url"]:  # the admin's catch-all for unknown admin pages
        return [{"url": "no-such-page/"}]
    if args == ["uidb64", "token"]:
        return [{"uidb64": "MQ", "token": "set-password"}]
    if name.startswith("jobs:"):
        return ids(Job.objects.all())
    if name.startswith("insights:import"):
        return ids(ProposalImport.objects.all())
    if name == "insights:province_committee":
        return [{"committee_id": pk} for pk in Committee.objects.values_list("pk", flat=True)]
    if name == "insights:similar" or name.startswith(
        ("proposals:proposal_", "proposals:key_", "proposals:supervision_")
    ):
        return ids(Proposal.objects.all())
    if name.startswith("insights:assessment_") and args == ["unit_id"]:
        # The units with work in a session: their breakdown and adjustment pages.
        units = Assignment.objects.order_by("unit_id").values_list("unit_id", flat=True)
        return [{"unit_id": pk} for pk in list(dict.fromkeys(units))[:4]]
    if "task_pk" in args:
        return [
            {"pk": t.assignment_id, "task_pk": t.pk}
            for t in Task.objects.order_by("state", "pk")[:4]
        ]
    if name == "gongkai:committee":
        return [{"committee_id": pk} for pk in Committee.objects.values_list("pk", flat=True)]
    if name.startswith("gongkai:"):  # published and pending ones (the latter answer 404)
        return [
            {"committee_id": p.reply.unit.committee_id, "publication_id": p.pk}
            for p in Publication.objects.select_related("reply__unit").order_by("state", "pk")[:4]
        ]
    if name.startswith("replies:publication") and args == ["pk"]:
        return ids(Publication.objects.order_by("state", "pk"))
    if name.startswith("replies:countersign") and args == ["pk"]:
        return ids(Countersign.objects.order_by("state", "pk"))
    if name == "replies:start" or name.startswith("proposals:") and "section_pk" not in args:
        if name in {"proposals:extension_decide", "proposals:reassignment_decide"}:
            model = (ExtensionRequest if name == "proposals:extension_decide"
                     else ReassignmentRequest)
            return [
                {"pk": r.assignment.proposal_id, "request_pk": r.pk}
                for r in model.objects.select_related("assignment")[:4]
            ]
        return ids(Assignment.objects.all())
    if "section_pk" in args:
        return [
            {"pk": s.assignment_id, "section_pk": s.pk}
            for s in Section.objects.order_by("state", "pk")[:6]
        ]
    if name.startswith("replies:"):
        return ids(Reply.objects.order_by("state", "pk"))
    return []


def _admin_models() -> dict:
    from django.contrib import admin

    found = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        found["admin:%s_%s_change" % info] = model
    return found


PATTERN_MODELS = _admin_models()


def _hostile_kwargs(pattern: URLPattern) -> list[dict]:
    args = _arg_names(pattern)
    if not args:
        return []
    out = []
    for i in range(max(len(HOSTILE_INTS), len(HOSTILE_STRS))):
        kwargs = {}
        for arg in args:
            if _int_arg(pattern, arg):
                kwargs[arg] = HOSTILE_INTS[i % len(HOSTILE_INTS)]
            else:
                kwargs[arg] = HOSTILE_STRS[i % len(HOSTILE_STRS)]
        out.append(kwargs)
    return out


def _url(name: str, route: str, pattern: URLPattern, kwargs: dict) -> str:
    if ":" in name or pattern.name:
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # a hostile str argument the converter refuses: build it by hand
            pass
    path = route
    for key, value in kwargs.items():
        path = re.sub(r"<(?:\w+:)?%s>" % key, quote(str(value), safe="%"), path)
    return "/" + path.lstrip("^").rstrip("$")


# --- parameters a view reads ---------------------------------------------------------------


def _source_params(pattern: URLPattern) -> set[str]:
    view = pattern.callback
    view = getattr(view, "view_class", None) or view
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    module = inspect.getmodule(view)
    if module is None or module.__name__.split(".")[0] not in {
        "proposals", "replies", "insights", "jobs", "config"
    }:
        return set()
    source = inspect.getsource(module)
    names = set(_READS.findall(source)) | set(_INDEX.findall(source))
    for form_name in set(_FORMS.findall(source)):
        form = getattr(module, form_name, None)
        fields = getattr(form, "base_fields", None)
        if fields:
            names |= set(fields)
        elif form is not None and hasattr(form, "form"):  # a formset class
            names |= {f"form-0-{f}" for f in form.form.base_fields}
            names |= {"form-TOTAL_FORMS", "form-INITIAL_FORMS"}
    return names


# --- the demo, once for the module ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once in a transaction that is rolled back when the module ends; each
    test runs in a savepoint inside it (pytest-django's `db`)."""
    from django.test import override_settings

    from replies import services
    from replies.models import Reply

    media = tmp_path_factory.mktemp("fuzz-media")
    media_root = override_settings(MEDIA_ROOT=str(media))
    media_root.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            tokens = []
            for reply in Reply.objects.filter(state__in=["signed", "sent"])[:2]:
                _link, token = services.feedback_link_create(reply=reply)
                tokens.append(token)
            yield {"tokens": tokens}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media_root.disable()


COUNTS: Counter = Counter()
PARAMS_SEEN: dict[str, int] = {}
FAILURES: list[str] = []


def _clients() -> dict[str, Client]:
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=True)
        if role != "anonymous":
            client.force_login(users[role])
        clients[role] = client
    return clients


def _send(client: Client, method: str, url: str, data: dict, where: str) -> int:
    COUNTS["requests"] += 1
    try:
        response = client.get(url, data) if method == "GET" else client.post(url, data)
    except Exception as exc:  # an exception out of the view is a 500 for the visitor
        raise AssertionError(f"{where}: {method} {url} {_short(data)} raised {exc!r}") from exc
    assert response.status_code < 500, (
        f"{where}: {method} {url} {_short(data)} answered {response.status_code}"
    )
    return response.status_code


def _short(data: dict) -> str:
    return json.dumps({k: (v[:40] + "…") if len(v) > 40 else v for k, v in data.items()},
                      ensure_ascii=False)


def _page_params(clients: dict[str, Client], url: str) -> set[str]:
    names: set[str] = set()
    for client in clients.values():
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            names |= set(_INPUTS.findall(response.content.decode(errors="replace")))
    return names - {"csrfmiddlewaretoken"}


# --- the tests -------------------------------------------------------------------------------


def test_every_path_argument_has_a_source():
    known = {"pk", "session_id", "section_pk", "request_pk", "token", "uidb64", "object_id",
             "url", "task_pk", "committee_id", "publication_id", "unit_id"}
    unknown = {
        (name, arg) for name, _route, p in PATTERNS for arg in _arg_names(p) if arg not in known
    }
    assert not unknown, f"teach _real_kwargs these path arguments: {sorted(unknown)}"
    assert len(PATTERNS) >= 60


@pytest.mark.parametrize(("name", "route", "pattern"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_it_answers_hostile_input_without_a_server_error(demo, db, name, route, pattern):
    clients = _clients()
    real = _real_kwargs(name, _arg_names(pattern), demo)
    urls = [_url(name, route, pattern, kw) for kw in real]
    urls += [_url(name, route, pattern, kw) for kw in _hostile_kwargs(pattern)]
    assert urls, f"{name}: no URL to fuzz"
    params = _source_params(pattern)
    for url in urls[: len(real) or 1]:
        params |= _page_params(clients, url)
    params = sorted(params) or ["q"]
    PARAMS_SEEN[name] = len(params)
    COUNTS["urls"] += 1

    # Fixed pass: each hostile path as each role in turn (round robin), GET and POST.
    for i, url in enumerate(urls):
        role = ROLES[i % len(ROLES)]
        for method in ("GET", "POST"):
            _send(clients[role], method, url, {}, f"{name} as {role}")
    # Each parameter meets VALUES_PER_PARAM hostile values, rotating through the list so the
    # parameters of one URL together meet all of them (an admin page reads dozens of fields).
    target = urls[0]
    turn = 0
    per_param = max(VALUES_PER_PARAM, -(-len(HOSTILE) // len(params)))
    for p, param in enumerate(params):
        for j in range(per_param):
            value = HOSTILE[(p * per_param + j) % len(HOSTILE)]
            role = ROLES[turn % len(ROLES)]
            method = ("GET", "POST")[turn % 2]
            turn += 1
            _send(clients[role], method, target, {param: value}, f"{name} as {role}")

    @settings(max_examples=8, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(
        role=st.sampled_from(ROLES),
        method=st.sampled_from(["GET", "POST"]),
        url=st.sampled_from(urls),
        data=st.dictionaries(
            st.sampled_from(params),
            st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)),
            max_size=4,
        ),
    )
    def drawn(role, method, url, data):
        COUNTS["drawn"] += 1
        _send(clients[role], method, url, data, f"{name} as {role}")

    drawn()


def test_zz_summary_counts_what_was_fuzzed():
    """Runs after the parametrised tests of this module (file order): writes the counts."""
    if not COUNTS["urls"]:
        pytest.skip("run with the fuzz tests")
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {
        "urls": COUNTS["urls"],
        "parameters": sum(PARAMS_SEEN.values()),
        "requests": COUNTS["requests"],
        "drawn_by_hypothesis": COUNTS["drawn"],
        "roles": len(ROLES),
        "hostile_values": len(HOSTILE),
    }
    (ARTIFACTS / "fuzz-summary.json").write_text(json.dumps(summary, indent=1))
    print(summary)
    assert summary["urls"] == len(PATTERNS)
