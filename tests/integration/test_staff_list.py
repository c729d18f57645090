"""The staff page at trust scale: one list of accounts and waiting invitations, searched,
filtered and paged in a constant number of SQL statements; erased leavers hidden by default."""

import hashlib
import re
from datetime import timedelta

from sqlalchemy import insert

from app.models import Invitation, School, db
from app.models.base import utcnow
from app.services.accounts import staff_list
from app.services.accounts.staff_list import StaffFilter
from tests.factories import NOW, bulk_staff, count_statements, make_user, set_clock


def _names(html: str) -> list[str]:
    cells = re.findall(r'data-label="Name">\s*<a class="govuk-link" href="[^"]+">([^<]+)<', html)
    return [name.strip() for name in cells]


def _invite(school, email, name, roles="teacher", created=NOW, hours=72):
    invitation = Invitation(
        school_id=school.id, email=email, display_name=name, roles=roles,
        token_hash=hashlib.sha256(f"{email} {name}".encode()).hexdigest(), created_at=created,
        expires_at=created + timedelta(hours=hours),
    )  # fmt: skip
    db.session.add(invitation)
    db.session.commit()
    return invitation


def _bulk_invitations(school, count: int) -> None:
    rows = [
        {
            "school_id": school.id,
            "email": f"invitee{i}@{school.id}.bulk.example",
            "display_name": f"Invitee {i}",
            "roles": "teacher",
            "token_hash": f"{school.id}-{i}".rjust(64, "0"),
            "created_at": NOW,
            "expires_at": NOW + timedelta(days=3),
        }  # fmt: skip
        for i in range(count)
    ]
    db.session.execute(insert(Invitation), rows)
    db.session.commit()


def test_the_staff_page_costs_the_same_statements_for_10_or_5000_staff(
    world, signed_in, monkeypatch
):
    set_clock(monkeypatch, NOW)
    admin = signed_in(world.user("A", "trust_admin"))
    urls = ["/admin/staff", "/admin/staff?q=staff+1&role=teacher&status=active",
            "/admin/staff?page=3", "/admin/staff?status=invited"]  # fmt: skip
    bulk_staff(world.school_a, 5)
    _bulk_invitations(world.school_a, 5)
    small = [count_statements(admin, url) for url in urls]
    bulk_staff(world.school_a2, 4_995, prefix="more")
    _bulk_invitations(world.school_a2, 100)
    large = [count_statements(admin, url) for url in urls]
    assert small == large
    html = admin.get("/admin/staff").get_data(as_text=True)
    assert "Showing 1 to 50 of 5,115 people" in html  # 5,000 + 105 invited + 10 world staff
    assert 'aria-label="Page 103"' in html
    assert len(_names(html)) == 50


def test_search_filters_and_paging(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    bulk_staff(world.school_a, 120)
    make_user(world.school_a, "sam.teacher@a.example", ["teacher", "dpo"], name="Sam Teacher")
    _invite(world.school_a, "pat.new@a.example", "Pat New", roles="business_manager")
    client = signed_in(world.user("A", "school_admin"))

    assert _names(client.get("/admin/staff?q=sam+TEACH").get_data(as_text=True)) == ["Sam Teacher"]
    by_email = client.get("/admin/staff?q=pat.new@").get_data(as_text=True)
    assert _names(by_email) == ["Pat New"] and "Invited" in by_email
    # % and _ are searched for as themselves, not as wildcards.
    assert "Nobody matches" in client.get("/admin/staff?q=%25").get_data(as_text=True)
    assert "Nobody matches" in client.get("/admin/staff?q=_").get_data(as_text=True)

    managers = _names(client.get("/admin/staff?role=business_manager").get_data(as_text=True))
    assert managers == ["Business-Manager", "Pat New"]
    invited = _names(client.get("/admin/staff?status=invited").get_data(as_text=True))
    assert invited == ["Pat New"]

    page_2 = client.get("/admin/staff?q=staff&page=2").get_data(as_text=True)
    assert "Showing 51 to 100 of 120 people" in page_2
    assert 'rel="prev"' in page_2 and 'rel="next"' in page_2
    past_the_end = client.get("/admin/staff?q=staff&page=99999999999999999999")
    assert "Showing 101 to 120 of 120 people" in past_the_end.get_data(as_text=True)
    assert client.get("/admin/staff?q=staff&page=abc").status_code == 200

    assert client.get("/admin/staff?role=wizard").status_code == 400
    assert client.get("/admin/staff?status=asleep").status_code == 400
    too_long = client.get("/admin/staff?q=" + "x" * 150)
    assert too_long.status_code == 400
    assert "Search by name or email must be 100 characters or fewer" in too_long.get_data(True)
    far_too_long = client.get("/admin/staff?q=" + "x" * 10_000)  # refused before the view
    assert far_too_long.status_code == 400
    assert "The web address is too long" in far_too_long.get_data(True)
    assert client.get("/admin/staff?q=a%00b").status_code == 400  # NUL refused at the door


def test_erased_leavers_are_hidden_unless_asked_for(world, signed_in, csrf):
    leaver = make_user(world.school_a, "leaver@a.example", ["teacher"], name="Lee Leaver")
    db.session.commit()
    client = signed_in(world.user("A", "school_admin"))
    token = csrf(client, "/account")
    client.post(f"/admin/staff/{leaver.id}/deactivate", data={"csrf_token": token})
    assert "Lee Leaver" in client.get("/admin/staff?status=deactivated").get_data(as_text=True)
    client.post(f"/admin/staff/{leaver.id}/erase", data={"csrf_token": token})
    listed = client.get("/admin/staff").get_data(as_text=True)
    assert f"/admin/staff/{leaver.id}" not in listed
    assert "Erased leavers are not shown" in listed
    erased = client.get("/admin/staff?status=erased").get_data(as_text=True)
    assert f"/admin/staff/{leaver.id}" in erased and "Former member of staff" in erased


def test_only_the_newest_open_invitation_per_address_is_listed(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    old = _invite(world.school_a, "twice@a.example", "Old Name", created=NOW - timedelta(days=9))
    new = _invite(world.school_a, "twice@a.example", "New Name")
    _invite(world.school_a, "joined@a.example", "Has Joined")
    make_user(world.school_b, "joined@a.example", ["teacher"])
    html = signed_in(world.user("A", "school_admin")).get("/admin/staff").get_data(as_text=True)
    assert "New Name" in html and "Old Name" not in html
    assert "Has Joined" not in html
    assert f'/admin/staff/invitations/{old.id}"' not in html
    assert f'/admin/staff/invitations/{new.id}"' in html


def test_an_expired_invitation_is_listed_as_expired(world, signed_in, monkeypatch):
    _invite(world.school_a, "late@a.example", "Lou Late", created=NOW - timedelta(days=5))
    set_clock(monkeypatch, NOW)
    html = signed_in(world.user("A", "school_admin")).get("/admin/staff?status=invited")
    assert "Invitation expired" in html.get_data(as_text=True)


def test_invitations_list_their_expiry(world, signed_in, monkeypatch):
    start = utcnow()
    monkeypatch.setattr("app.clock.now", lambda: start)
    _invite(world.school_a, "soon@a.example", "Sol Soon", created=start)
    html = signed_in(world.user("A", "school_admin")).get("/admin/staff?q=sol").get_data(True)
    assert "link works until" in html and "Invited" in html


def test_a_page_asked_for_again_skips_the_count_and_shows_every_change(
    app, world, signed_in, monkeypatch
):
    """The count and the page's keys come from the cache until the school's staff change; each
    kind of change shows on the next request, and the rows themselves are always read fresh."""
    set_clock(monkeypatch, NOW)
    monkeypatch.setitem(app.extensions, "staff_list_cache", staff_list.page_keys_cache())
    bulk_staff(world.school_a, 60)
    client = signed_in(world.user("A", "school_admin"))
    first = count_statements(client, "/admin/staff")
    again = count_statements(client, "/admin/staff")
    assert again == first - 2  # the count and the page's keys were not asked again
    someone = make_user(world.school_a, "zed@a.example", ["teacher"], name="Zed Last")
    waiting = _invite(world.school_a, "yan@a.example", "Yan Waiting")
    db.session.commit()

    def listed(url="/admin/staff?q=a.example") -> list[str]:
        return _names(client.get(url).get_data(as_text=True))

    assert "Zed Last" in listed() and "Yan Waiting" in listed()
    changes = [
        ("a rename, first in the list", lambda: setattr(someone, "display_name", "Aaron First")),
        ("an invitation renamed", lambda: setattr(waiting, "display_name", "Aa Invited")),
        ("new roles", lambda: someone.set_roles(["teacher", "dpo"])),
        ("a leaver", lambda: setattr(someone, "active", False)),
        ("a revoked invitation", lambda: setattr(waiting, "revoked_at", NOW)),
    ]
    seen = []
    for _name, change in changes:
        change()
        db.session.commit()
        seen.append(
            (listed(), listed("/admin/staff?role=dpo"), listed("/admin/staff?status=active"))
        )
    assert seen[0][0][0] == "Aaron First"
    assert seen[1][0][:2] == ["Aa Invited", "Aaron First"]
    assert "Aaron First" not in seen[1][1] and "Aaron First" in seen[2][1]
    assert "Aaron First" in seen[2][2] and "Aaron First" not in seen[3][2]
    assert "Aa Invited" in seen[3][0] and "Aa Invited" not in seen[4][0]


def test_the_page_keys_are_not_reused_for_a_school_made_again_with_the_same_id(world):
    """SQLite can give a new school the id of a deleted one, at generation 0 again: the school's
    creation time keeps the two apart in a worker's cache."""
    cache = staff_list.page_keys_cache()
    school = world.school_a
    first = staff_list.list_staff(db.session, [school], StaffFilter(), now=NOW, cache=cache)
    staff_list.list_staff(db.session, [school], StaffFilter(), now=NOW, cache=cache)
    assert len(cache) == 1 and first.total > 0  # the same school again: one entry, reused
    remade = School(id=school.id, name="Made again", created_at=school.created_at + timedelta(1))
    remade.tally_generation = school.tally_generation  # a transient row, never saved
    staff_list.list_staff(db.session, [remade], StaffFilter(), now=NOW, cache=cache)
    assert len(cache) == 2
