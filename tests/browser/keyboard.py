"""Moving round a page with the keyboard alone, as a person who uses no mouse does."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page


def press_tab_to(page: Page, target: Locator, *, presses: int = 60) -> None:
    """Move the focus with the Tab key alone until it reaches the target."""
    for _ in range(presses):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail("the Tab key never reached it")


def type_into(page: Page, field: Locator | str, text: str) -> None:
    """Reach the field (a locator, or its label) with the Tab key and type, replacing what it
    held."""
    target = page.get_by_label(field, exact=True) if isinstance(field, str) else field
    press_tab_to(page, target)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def press_button(page: Page, name: str) -> None:
    """Tab to the button and press Enter, then wait for the page it leads to (a key press,
    unlike a click, returns before the navigation it starts)."""
    press_tab_to(page, page.get_by_role("button", name=name))
    with page.expect_navigation():
        page.keyboard.press("Enter")
