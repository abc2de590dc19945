"""Browser tests: pytest-playwright driving Debian's chromium (no browser download) against
pytest-django's live_server.

Run: .venv/bin/python -m pytest e2e -q   (screenshots go to test-artifacts/e2e/)
"""

import io
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test body still talks to the
# database through the ORM (setting up people and reading results), which Django refuses
# inside a running loop unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"
# Lines that test_what_each_role_sees leaves for the end of the run (pages, rules, violations).
A11Y_SUMMARY = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(A11Y_SUMMARY, [])
    if lines:
        terminalreporter.section("what each role sees")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM} (CI installs it with apt)")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 768},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


# E2E_DOC_SCREENS=1 also writes the screenshots that docs/screens/ keeps (see its README).
DOC_SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"


def doc_screen(page, name: str) -> Path | None:
    """The viewport as a person first sees it, saved as docs/screens/<name>.png with a
    256-colour palette (a few dozen KB), when E2E_DOC_SCREENS=1; otherwise nothing."""
    if os.environ.get("E2E_DOC_SCREENS") != "1":
        return None
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    DOC_SCREENS.mkdir(parents=True, exist_ok=True)
    path = DOC_SCREENS / f"{name}.png"
    # Octree keeps small coloured text (pills) in its colour; median cut washed it out.
    palette = image.quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    palette.save(path, optimize=True)
    return path


@pytest.fixture
def shoot(page, request):
    """shoot("03-register") saves a full-page screenshot under test-artifacts/e2e/;
    shoot("02-clerk-list", doc="02-clerk-home") also keeps the viewport in docs/screens/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = re.sub(r"[^\w-]", "_", request.node.name)

    def _shoot(name: str, doc: str | None = None) -> Path:
        path = ARTIFACTS / f"{prefix}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if doc:
            doc_screen(page, doc)
        return path

    return _shoot
