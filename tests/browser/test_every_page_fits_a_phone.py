"""No page scrolls sideways on a 390 px phone: every GET page the axe test opens is loaded at
390 px wide, signed in as a user of school A holding every role, over a school with data in
every table (overdue and expiring training, invitations with long addresses, audit events,
a published policy), and the document must be no wider than the viewport.

Every page is checked before the test fails, so one run lists them all, each with the elements
that stick out furthest (to find the culprit without opening the page).
"""

from datetime import timedelta
from pathlib import Path

from app.models import AuditEvent, Invitation, Role, db
from app.models.base import utcnow
from app.services.policies.publishing import publish_policy
from tests.browser.conftest import sign_in
from tests.browser.test_every_page_axe import _html_pages as html_pages
from tests.factories import MODULE, OTHER_MODULE, assign, certify, make_user

PHONE = {"width": 390, "height": 844}

# The right edge of the widest elements, deepest first, when the page is too wide.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0) {
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      out.push(name + ' ' + Math.round(box.right) + 'px');
    }
  }
  return out.slice(-4);
}"""


def _school_with_data(world) -> None:
    """Rows for every table a page can show, with the long words real data has."""
    school = world.school_a
    now = utcnow()
    assign(school, due=now.date() - timedelta(days=3))
    assign(school, module_id=OTHER_MODULE, due=now.date() + timedelta(days=5), role="teacher")
    assign(school, user=world.user("A", "dpo"), months=6, due=now.date() + timedelta(days=40))
    certify(world.user("A", "dpo"), module_id=MODULE, issued=now - timedelta(days=350))
    certify(world.user("A", "teacher"), module_id=OTHER_MODULE, issued=now - timedelta(days=2))
    certify(world.user("A", "teacher"), module_id=MODULE, issued=now - timedelta(days=360))
    make_user(
        school,
        "christabel.featherstonehaugh-worthington@really-long-school-name.sch.example",
        ["teacher", "business_manager"],
        name="Christabel Featherstonehaugh-Worthington",
    )
    db.session.add(
        Invitation(
            school_id=school.id,
            email="bartholomew.montgomery-smythe@another-long-school-name.sch.example",
            display_name="Bartholomew Montgomery-Smythe",
            roles="dpo teacher",
            token_hash="f" * 64,
            created_at=now,
            expires_at=now + timedelta(days=3),
        )
    )
    db.session.add(
        AuditEvent(
            school_id=school.id,
            actor_id=world.user("A", "school_admin").id,
            action="roles_changed",
            object_type="user",
            object_id=str(world.user("A", "teacher").id),
            detail={"before": ["teacher"], "after": ["business_manager", "dpo", "teacher"]},
            ip_address="2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            created_at=now,
        )
    )
    publish_policy(
        db.session, school_id=school.id, kind="acceptable_use",
        title="Acceptable use of the school's computers, email and online services",
        label="2025-26", change_note=None,
        body="## Passwords\n\nUse a passphrase such as correct-battery-staple-horse.\n\n"
        "| Service | Who may use it |\n| --- | --- |\n| Management information system | "
        "Office staff |\n",
        pdf=None, original_name=None, files_dir=Path("/nonexistent"), max_pdf_bytes=1,
        now=now, actor_id=None, record=lambda *args, **kwargs: None,
    )  # fmt: skip
    db.session.commit()


def test_no_page_scrolls_sideways_at_390_px(app, page, world):
    _school_with_data(world)
    everyone = make_user(world.school_a, "all-roles@a.example", [r.value for r in Role])
    certify(everyone, module_id=MODULE, issued=utcnow() - timedelta(days=20))
    pages = list(html_pages(app, world))
    page.set_viewport_size(PHONE)
    sign_in(page, everyone.email)
    too_wide, checked = [], 0
    for endpoint, url in pages:
        response = page.goto(url)
        content_type = response.headers.get("content-type", "") if response else ""
        if "text/html" not in content_type:
            continue
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = ", ".join(page.evaluate(WIDEST))
            too_wide.append(f"{endpoint} ({url}): {width} px wide; widest: {culprits}")
    assert not too_wide, f"{len(too_wide)} page(s) scroll sideways at 390 px:\n" + "\n".join(
        too_wide
    )
    assert checked >= 10
