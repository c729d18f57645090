"""CSV staff import: every row checked with a specific message, duplicates caught, roles read."""

import pytest

from app.services.accounts.staff_import import (
    ImportFileError,
    check_rows,
    decode,
    parse_roles,
    read_rows,
)


def check(text: str, accounts=(), pending=(), trust_admin=False):
    return check_rows(
        read_rows(text),
        existing_accounts=set(accounts),
        pending_invitations=set(pending),
        allow_trust_admin=trust_admin,
    )


def test_good_rows_are_accepted_with_normalised_email_and_roles():
    result = check("Name,Email,Roles\nAna Lee, Ana.Lee@School.org.uk ,Teacher; DPO\n")
    (row,) = result.accepted
    assert (row.line, row.name, row.email, row.roles) == (
        2, "Ana Lee", "ana.lee@school.org.uk", ["dpo", "teacher"],
    )  # fmt: skip


def test_each_bad_row_says_what_is_wrong_with_its_row_number():
    text = (
        "email,name,roles\n"
        "a@school.org.uk,A Person,teacher\n"
        "not-an-email,B Person,teacher\n"
        "c@school.org.uk,,teacher\n"
        "d@school.org.uk,D Person,wizard\n"
        "A@school.org.uk,A Again,teacher\n"
        "e@school.org.uk,E Person,\n"
        "f@school.org.uk,F Person,trust admin\n"
    )
    result = check(text)
    assert [row.line for row in result.accepted] == [2]
    problems = {row.line: row.problems for row in result.rejected}
    assert "is not an email address" in problems[3][0]
    assert problems[4] == ["Enter the person's name"]
    assert problems[5][0].startswith("Unknown role “wizard”")
    assert problems[6] == ["The same email address is on row 2"]
    assert problems[7][0].startswith("Enter at least one role")
    assert problems[8] == ["Only a trust admin can give the trust admin role"]


def test_existing_accounts_and_pending_invitations_are_duplicates():
    result = check(
        "name,email,roles\nA,a@s.org,teacher\nB,b@s.org,teacher\nC,c@s.org,teacher\n",
        accounts={"a@s.org"},
        pending={"b@s.org"},
    )
    assert [r.line for r in result.accepted] == [4]
    assert "already has an account" in result.rejected[0].problems[0]
    assert "already been invited" in result.rejected[1].problems[0]


def test_blank_lines_are_skipped_and_columns_can_be_labelled_differently():
    rows = read_rows("\nFull name,Email address,Role\n\nA,a@s.org,dpo\n,,\n")
    assert [(r.line, r.name) for r in rows] == [(4, "A")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("name,email\nA,a@s.org\n", "missing: roles"),
        ("name,email,roles\n", "nobody in it"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(text, message):
    with pytest.raises(ImportFileError, match=message):
        read_rows(text)


def test_roles_accept_labels_and_separators():
    assert parse_roles("School business manager | school_admin", False) == (
        ["business_manager", "school_admin"], [],
    )  # fmt: skip
    assert parse_roles("trust admin", True) == (["trust_admin"], [])


def test_decode_handles_excel_bom_and_windows_1252():
    assert decode("\ufeffname".encode()) == "name"
    assert decode("Zoë".encode("cp1252")) == "Zoë"
