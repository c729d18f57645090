"""The service menu and the dashboard's links show a role exactly the pages it may open."""

import re

import pytest
from flask import url_for

from app.models import Role
from app.navigation import NAV_ITEMS

MENU = re.compile(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', re.S)


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_lists_the_sections_the_role_can_open(app, world, signed_in, role):
    client = signed_in(world.user("A", role))
    menu = MENU.search(client.get("/").get_data(as_text=True)).group(1)
    for item in NAV_ITEMS:
        with app.test_request_context():
            href = url_for(item.endpoint)  # every endpoint exists: a missing one fails here
        status = client.get(href).status_code
        assert status in (200, 403), (href, status)
        assert (f'href="{href}"' in menu) == (status == 200), (role, href, status)


DASHBOARD_LINKS = ("/oversight/audit", "/oversight/settings", "/oversight/trust")


@pytest.mark.parametrize("role", [Role.DPO, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN])
def test_the_dashboard_links_only_to_pages_the_role_can_open(world, signed_in, role):
    client = signed_in(world.user("A", role))
    page = client.get("/oversight/").get_data(as_text=True)
    for href in DASHBOARD_LINKS:
        status = client.get(href).status_code
        assert status in (200, 403), (href, status)
        assert (f'href="{href}"' in page) == (status == 200), (role, href, status)


def test_trust_admins_reach_the_trust_view_from_the_menu_and_the_home_page(world, signed_in):
    client = signed_in(world.user("A", "trust_admin"))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/oversight/trust"' in MENU.search(home).group(1)
    body = home.split('id="main-content"', 1)[1]
    assert '<a class="govuk-link" href="/oversight/trust">Trust overview</a>' in body
    trust_page = MENU.search(client.get("/oversight/trust").get_data(as_text=True)).group(1)
    current = re.findall(r'href="([^"]+)" aria-current="true"', trust_page)
    assert current == ["/oversight/trust"]  # the longest matching section, not "Compliance"
    dashboard = MENU.search(client.get("/oversight/").get_data(as_text=True)).group(1)
    assert re.findall(r'href="([^"]+)" aria-current="true"', dashboard) == ["/oversight/"]
    school_admin_home = signed_in(world.user("A", "school_admin")).get("/").get_data(True)
    assert "/oversight/trust" not in school_admin_home
