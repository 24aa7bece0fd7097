"""Copies of the demo tables, to load the demo at a larger size (the statement count tests):
copy 1 is the demo itself; copy n gives everything named a distinct name and its children the
next NHS numbers of the test range. The copies' children are at the demo's own schools, with the
demo's own practitioners, so that every demo account sees n times as much."""

from __future__ import annotations

from dataclasses import dataclass

from tas.demo.data.children import CHILDREN, nhs_numbers

MOST_COPIES = 9  # a copy's URNs and ODS codes keep their length up to here


@dataclass(frozen=True)
class Copy:
    number: int = 1

    def name(self, text: str) -> str:
        return text if self.number == 1 else f"{text} {self.number}"

    def email(self, address: str) -> str:
        if self.number == 1:
            return address
        local, domain = address.split("@")
        return f"{local}.{self.number}@{domain}"

    def code(self, code: str | None) -> str | None:
        """A URN or ODS code, distinct in each copy and of the same length."""
        if code is None or self.number == 1:
            return code
        return f"{code[:-3]}{int(code[-3:]) + 100 * (self.number - 1):03d}"

    def nhs_numbers(self) -> list[str]:
        """This copy's children's NHS numbers, in the order of CHILDREN."""
        count = len(CHILDREN)
        return nhs_numbers(count * self.number)[count * (self.number - 1) :]


THE_DEMO = Copy(1)


def copies(scale: int) -> list[Copy]:
    if not 1 <= scale <= MOST_COPIES:
        raise ValueError(f"The demo loads 1 to {MOST_COPIES} copies, not {scale}")
    return [Copy(number) for number in range(1, scale + 1)]
