"""The staff list's page links: first, last, the current page and its neighbours, gaps as None."""

import pytest

from app.services.accounts.staff_list import StaffFilter, page_numbers


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
