"""Welsh for sign-in, accounts and staff administration (issue 18, wave 2a): the sign-in page,
the staff list and the admin forms' validation errors are Welsh when the reader chose Welsh,
with no part of the page marked English, and English stays the default."""

import html as html_module

from app.models import db
from tests.factories import csrf_token


def _switch_to_welsh(client, back: str = "/sign-in") -> None:
    token = csrf_token(client, back)
    response = client.post("/language", data={"csrf_token": token, "lang": "cy", "next": back})
    assert response.status_code == 302


def _text(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return html_module.unescape(response.get_data(as_text=True))


def _in_welsh(user) -> None:
    user.locale = "cy"
    db.session.commit()


def test_the_sign_in_page_and_its_errors_are_welsh(client):
    _switch_to_welsh(client)
    page = _text(client.get("/sign-in"))
    assert '<html lang="cy"' in page
    assert '<main class="govuk-main-wrapper" id="main-content" tabindex="-1">' in page
    assert '<h1 class="govuk-heading-l">Mewngofnodi</h1>' in page
    assert "Cyfeiriad e-bost" in page and "Cyfrinair" in page
    assert "Rwyf wedi anghofio fy nghyfrinair" in page

    empty = _text(client.post("/sign-in", data={"csrf_token": csrf_token(client)}))
    assert "Mae problem wedi codi" in empty
    assert "Rhowch eich cyfeiriad e-bost" in empty and "Rhowch eich cyfrinair" in empty
    wrong = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(client),
            "email": "nobody@a.example",
            "password": "not the password",
        },
    )
    assert "Rhowch gyfeiriad e-bost a chyfrinair cywir" in _text(wrong)


def test_the_staff_list_is_welsh(world, signed_in):
    admin = world.user("A", "school_admin")
    _in_welsh(admin)
    page = _text(signed_in(admin).get("/admin/staff"))
    assert '<html lang="cy"' in page and 'lang="en-GB">' not in page.split("</header>")[1]
    assert '<h1 class="govuk-heading-l">Staff</h1>' in page
    assert "Gwahodd aelod o staff" in page and "Gwahodd staff o ffeil CSV" in page
    assert "Yn dangos 1 i " in page
    assert "Gweinyddwr ysgol" in page and "Gweithredol" in page  # a role and a status
    assert "Chwilio yn ôl enw neu e-bost" in page


def test_an_admin_forms_validation_errors_are_welsh(world, signed_in):
    admin = world.user("A", "school_admin")
    _in_welsh(admin)
    client = signed_in(admin)
    page = _text(client.get("/admin/staff/invite"))
    assert "Gwahodd aelod o staff" in page and "Enw llawn" in page
    empty = client.post(
        "/admin/staff/invite", data={"csrf_token": csrf_token(client, "/admin/staff/invite")}
    )
    errors = _text(empty)
    assert "Mae problem wedi codi" in errors
    assert "Rhowch enw'r person" in errors
    assert "Rhowch gyfeiriad e-bost" in errors
    assert "Dewiswch o leiaf un rôl" in errors
    # A rule from the accounts service, not the form, is Welsh too.
    taken = client.post(
        "/admin/staff/invite",
        data={
            "csrf_token": csrf_token(client, "/admin/staff/invite"),
            "display_name": "Someone",
            "email": world.user("A", "teacher").email,
            "roles": ["teacher"],
        },
    )
    assert "Mae gan rywun â'r cyfeiriad e-bost hwn gyfrif eisoes" in _text(taken)


def test_a_flash_and_an_error_page_are_welsh(world, signed_in):
    admin = world.user("A", "school_admin")
    _in_welsh(admin)
    client = signed_in(admin)
    teacher = world.user("A", "teacher")
    response = client.post(
        f"/admin/staff/{teacher.id}",
        data={
            "csrf_token": csrf_token(client, f"/admin/staff/{teacher.id}"),
            "roles": ["teacher", "dpo"],
        },
        follow_redirects=True,
    )
    assert f"Diweddarwyd y rolau ar gyfer {teacher.display_name}." in _text(response)
    missing = _text(client.get("/admin/staff/999999"), 404)
    assert "Heb ddod o hyd i'r dudalen" in missing


def test_english_stays_the_default(world, client, signed_in):
    page = _text(client.get("/sign-in"))
    assert '<html lang="en-GB"' in page and '<h1 class="govuk-heading-l">Sign in</h1>' in page
    staff = _text(signed_in(world.user("A", "school_admin")).get("/admin/staff"))
    assert "Invite a member of staff" in staff and "School admin" in staff
