"""Lists shown a page at a time: which page is shown, how many there are, where it starts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class Window:
    """The page shown of a list: `number` of `pages`, each of `size` items."""

    number: int
    pages: int
    size: int

    @property
    def start(self) -> int:
        """How many items come before this page (a query's offset)."""
        return (self.number - 1) * self.size

    def cut(self, items: list[Item]) -> list[Item]:
        """This page's items of a list already loaded."""
        return items[self.start : self.start + self.size]


def window(asked: int, total: int, size: int) -> Window:
    """The page asked for, brought back within the list: a page number typed or kept from
    before (0, -3, or past the end once items have gone) shows the first or the last page.
    An empty list still has one page, which says so."""
    pages = max(1, math.ceil(total / size))
    return Window(number=min(max(asked, 1), pages), pages=pages, size=size)
