"""The staff list's page links: first, last, the current page and its neighbours, gaps as None."""

import pytest

from app.services.accounts.staff_list import StaffFilter
from app.util.paging import page_numbers


@pytest.mark.parametrize(
    ("current", "pages", "expected"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 9, 10]),
        (2, 4, [1, 2, 3, 4]),
    ],
)
def test_page_numbers(current, pages, expected):
    assert page_numbers(current, pages) == expected


def test_search_words_are_lower_case_without_nul_bytes_and_bounded():
    assert StaffFilter("  Sam\x00 TEACHER ").words == ["sam", "teacher"]
    assert len("".join(StaffFilter("x" * 500).words)) == 100


def test_paging_clamps_the_page_and_slices_its_rows():
    from app.util.paging import Paging, page_number

    rows = list(range(1, 61))
    assert Paging.of(60, 2, 50).slice(rows) == list(range(51, 61))
    last = Paging.of(60, 99, 50)
    assert (last.page, last.pages, last.first, last.last) == (2, 2, 51, 60)
    assert Paging.of(0, 3, 50).slice([]) == [] and Paging.of(0, 3, 50).first == 0
    assert [page_number(t) for t in ("2", "", None, "x", "-1", "١", "9" * 40)] == [
        2, 1, 1, 1, 1, 1, 1_000_000,
    ]  # fmt: skip
