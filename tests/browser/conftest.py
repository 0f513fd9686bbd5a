"""Fixtures for the real-browser tests: one server per module, one Chromium per run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from .harness import StreamlitServer, launch_browser

VIEWPORT = {"width": 1400, "height": 1000}


@dataclass
class PageLog:
    """What a page said that nobody asked for: console errors, uncaught errors, dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._on_dialog)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console.error: {message.text} ({message.location})")

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_browser(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server() -> Iterator[StreamlitServer]:
    with StreamlitServer() as running:
        yield running


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def new_page(browser: Browser, page_log: PageLog) -> Iterator[Callable[[], Page]]:
    """Opens fresh pages, each in its own context (no shared cookies or storage).

    The test fails if any of them logs a console error or opens a dialog.
    """
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page_log.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert page_log.errors == [], "the browser reported errors"
    assert page_log.dialogs == [], "a page opened a dialog"


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()
