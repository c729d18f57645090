"""Paging for list pages: which page a query string asks for, the slice of rows it shows, and
the page links GOV.UK pagination prints (no Flask imports)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def page_number(text: str | None) -> int:
    """`?page=` as a number: 1 for nonsense; a huge number (clamped to the last page later) is
    never converted, so no digit string can be too long for int() or the database."""
    text = text or "1"
    if not text.isascii() or not text.isdigit():
        return 1
    return int(text) if len(text) < 7 else 1_000_000


def page_numbers(current: int, pages: int) -> list[int | None]:
    """GOV.UK pagination: the first, last, current and its neighbours; None for a gap (…)."""
    shown = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@dataclass(frozen=True)
class Paging:
    """Where one page sits in a list of `total` rows: a page past the end is the last one."""

    total: int
    page: int
    page_size: int

    @classmethod
    def of(cls, total: int, page: int, page_size: int) -> "Paging":
        pages = max(1, -(-total // page_size))
        return cls(total, min(max(page, 1), pages), page_size)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.page_size, self.total)

    @property
    def links(self) -> list[int | None]:
        return page_numbers(self.page, self.pages)

    def slice(self, rows: Sequence[T]) -> list[T]:
        return list(rows[self.first - 1 : self.last]) if self.total else []
