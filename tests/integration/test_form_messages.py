"""Too-long text and impossible dates get a message naming the field; typed input is kept."""

import re


def _errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [m.strip() for m in re.findall(r"Error:</span>\s*(.*?)</p>", html, re.S)]


def test_vendor_form_names_the_field_and_keeps_input(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    response = client.post(
        "/procurement/vendors/new",
        data={"product": "Ünïcödé Reader", "name": "y" * 1000, "contract_start": "2026-13-45",
              "csrf_token": token},
    )  # fmt: skip
    errors = _errors(response)
    assert "Supplier must be 200 characters or fewer" in errors
    assert "Contract start date must be a real date, for example 2027-03-31" in errors
    assert 'value="Ünïcödé Reader"' in response.get_data(as_text=True)


def test_invite_form_names_the_field(world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    response = client.post(
        "/admin/staff/invite",
        data={"display_name": "x" * 500, "email": "p@a.example", "roles": ["teacher"],
              "csrf_token": csrf(client, "/account")},
    )  # fmt: skip
    assert "Full name must be 120 characters or fewer" in _errors(response)
