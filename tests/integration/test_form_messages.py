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


ERROR_LINK = re.compile(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', re.S)


def _error_links_resolve(response) -> list[str]:
    """Every link in the error summary, each checked to jump to an element on the page."""
    html = response.get_data(as_text=True)
    summary = ERROR_LINK.search(html)
    assert summary, "no error summary"
    targets = re.findall(r'href="#([^"]+)"', summary.group(1))
    assert targets
    for target in targets:
        assert f'id="{target}"' in html, f"#{target} is not on the page"
    return targets


def test_error_summary_links_reach_checkbox_groups(world, signed_in, csrf):
    admin = signed_in(world.user("A", "school_admin"))
    response = admin.post(
        "/oversight/assignments/new",
        data={"module_id": "why-data-protection-matters", "target": "people",
              "csrf_token": csrf(admin, "/oversight/assignments/new")},
    )  # fmt: skip
    assert "people-0" in _error_links_resolve(response)
    response = admin.post(
        "/admin/staff/invite",
        data={"display_name": "New Person", "email": "new@a.example",
              "csrf_token": csrf(admin, "/account")},
    )  # fmt: skip
    assert "roles-0" in _error_links_resolve(response)
