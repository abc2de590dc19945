"""Project-level checks: migrations complete, deploy settings, admin pages render."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_it_has_a_migration_for_every_model_change(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_it_passes_check_deploy_with_production_settings():
    env = {
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; a deployment never.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x7$Kq!2mVn9#Lp4@Rt8^Wz6&Yb3*Hc5(Jd1)Fg0-Se+Ua" * 2,
        "ALLOWED_HOSTS": "proposals.example.gov.cn",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_page_names_its_icon_which_is_a_static_file(client, db):
    from django.contrib.staticfiles import finders

    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    path = finders.find("img/favicon.svg")
    assert path and Path(path).read_text(encoding="utf-8").startswith("<svg")


def test_the_admin_names_the_same_icon_and_keeps_its_own_title(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    assert "<title>管理 | 提案办理系统</title>" in html
    assert "提案办理系统</a>" in html  # the header's site name, from admin.site


def test_it_renders_every_admin_changelist_and_history(admin_client):
    call_command("load_demo", stdout=io.StringIO())
    shown_inline = {"replies.ReplyParagraph"}  # edited inside its reply
    internal = {"proposals.FormToken"}  # double-submit claims: digests, nothing to read
    for model in [
        *apps.get_app_config("proposals").get_models(),
        *apps.get_app_config("replies").get_models(),
        *apps.get_app_config("jobs").get_models(),
    ]:
        if model.__name__.startswith("Historical") or model._meta.label in shown_inline | internal:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        url = reverse(f"{prefix}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        obj = model.objects.first()
        if obj is not None and hasattr(model, "history"):
            history = reverse(f"{prefix}_history", args=[obj.pk])
            assert admin_client.get(history).status_code == 200, history


@pytest.mark.django_db
def test_it_shows_44137_in_the_admin_with_filters(admin_client):
    call_command("load_demo", stdout=io.StringIO())
    url = reverse("admin:proposals_proposal_changelist")
    response = admin_client.get(url, {"q": "44137"})
    assert "关于加快知识产权强市建设的提案" in response.content.decode()
    # The demo's dates are relative to today: 44137 is due in a few weeks, 44063 overdue.
    response = admin_client.get(url, {"overdue": "yes"})
    assert response.status_code == 200
    assert "关于打造海上云台山文旅品牌的提案" in response.content.decode()
    assert "关于加快知识产权强市建设的提案" not in response.content.decode()
    response = admin_client.get(url, {"status__exact": "registered"})
    assert "关于加快知识产权强市建设的提案" not in response.content.decode()
