"""Fixtures for the browser suite: real headless Chromium (Debian's) driven by Playwright.

These tests run only with ``make test-browser`` (``pytest -m browser``). They never download a
browser: Chromium comes from the system package (`apt-get install chromium`), axe-core from
``npm ci``. A missing piece is an error with the command that fixes it, never a silent skip.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from ocim.core.demo import demo_site_ensure

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to
# run ("SynchronousOnlyOperation") unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("OCIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def django_db_setup(browser, django_db_setup):
    """Create the test database only once Playwright runs.

    Starting Playwright's sync API changes the execution context, and Django keeps its
    connections per context: a database set up before would be reached, after it, through a
    new connection object that lacks the snapshot the serialized rollback restores from.
    """
    return django_db_setup


@pytest.fixture
def context(browser):
    # The real CSP stays on: axe is evaluated through the DevTools protocol, not a <script>.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def demo_site(django_db_serialized_rollback, transactional_db, live_server, mailoutbox):
    """The demo content (home pages, legal pages…) served by a live server in this process.

    ``transactional_db`` because the live server thread must see committed rows; it empties
    every table after the test, so the rows that migrations create (Wagtail's root page,
    default site and locale) are restored by a serialized rollback. The mail outbox is the
    locmem backend of the test settings, shared with the server thread.
    """
    # The pages only: the command `ocim_demo` also loads ~35,000 communes, which these tests
    # do not need and which would cost seconds per test.
    demo_site_ensure()
    mailoutbox.clear()
    return live_server


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` at the project root.")
    return AXE_SOURCE.read_text(encoding="utf-8")


def format_violations(violations):
    """One readable block per rule: id, impact, help text and the CSS targets of each node."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            lines.append(f"    * {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(axe_source):
    """Run axe-core on the current page; fail with every violation spelled out."""

    def check(page):
        # Colours are read as they are painted: a message still fading in (Wagtail's messages
        # fade in over 0.5 s once its script marks the page ready; on a slow machine axe
        # measured one half-way, white on a pale green) would fail for nothing. Running finite
        # animations and transitions, and the fade of Wagtail's messages, are waited for, at
        # most 3 s, before axe runs.
        page.evaluate(
            """async () => {
                const settled = () => {
                    const moving = document.getAnimations().some((a) =>
                        a.playState === "running" && a.effect &&
                        a.effect.getComputedTiming().endTime !== Infinity);
                    const fading = [...document.querySelectorAll(".messages > ul")].some(
                        (list) => list.children.length &&
                            parseFloat(getComputedStyle(list).opacity) < 1);
                    return !moving && !fading;
                };
                const deadline = Date.now() + 3000;
                while (!settled() && Date.now() < deadline) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            }"""
        )
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        violations = page.evaluate(
            """async (tags) => {
                const results = await window.axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
                return results.violations;
            }""",
            AXE_TAGS,
        )
        assert not violations, (
            f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
            + format_violations(violations)
        )

    return check
