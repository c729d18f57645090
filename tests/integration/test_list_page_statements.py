"""Every list page runs the same number of SQL statements however much it lists (issue 17).

One parametrised test walks every page that lists rows which can grow (staff, products,
assessments, assignments, certificates, audit events, policies, acknowledgements, families'
requests, published notices, emails): it counts one GET's statements, adds many more of the
rows that page lists, and counts again. A page that loads a row's relations one row at a time
(an N+1) fails here. A second test keeps the list complete: every GET page without URL
arguments is either listed below or named in `NOT_LIST_PAGES` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from app.models import AuditEvent, OutboxEmail, User, db
from app.models.policies import Policy, PolicyAcknowledgement, PolicyVersion
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from app.models.training import Assignment
from app.services.procurement.decisions import snapshot_hash
from tests.factories import (
    MODULE,
    NOW,
    World,
    bulk_staff,
    certify,
    count_statements,
    set_clock,
)
from tests.procurement_helpers import decided_product

SMALL, LARGE = 2, 25  # rows added before the first count, and again before the second


# --- what each page lists, added `count` at a time ------------------------------------------


def _staff(world: World, count: int, tag: str) -> None:
    """Staff in school A (half of them with a certificate) and in school A2."""
    ids = bulk_staff(world.school_a, count, prefix=f"{tag}a")
    for user_id in ids[::2]:
        certify(db.session.get(User, user_id))
    bulk_staff(world.school_a2, count, prefix=f"{tag}b")


def _products(world: World, count: int, tag: str) -> None:
    """Decided products in school A, one in three rejected, some expired, every other one with
    a re-assessment draft (so even two products include one in use and one expired)."""
    for n in range(count):
        decided_product(
            world.school_a,
            f"{tag} product {n}",
            NOW.date() + timedelta(days=20 * n - 10),
            decision=(Decision.APPROVE, Decision.CONDITIONAL, Decision.REJECT)[n % 3],
            band=("green", "amber", "red")[n % 3],
            draft_after=n % 2 == 1,
            commit=False,
        )
    db.session.commit()


def _shared_in_the_trust(world: World, count: int, tag: str) -> None:
    """Decided products in school A2 (school A's trust), shared with the trust."""
    for n in range(count):
        vendor = decided_product(world.school_a2, f"{tag} shared {n}", None, commit=False)
        db.session.flush()
        vendor.assessments[0].shared_at = NOW
    db.session.commit()


def _assessments_of_one_product(world: World, count: int, tag: str) -> None:  # noqa: ARG001
    vendor = _the_product(world)
    for n in range(count):
        vendor.assessments.append(
            Assessment(
                school_id=world.school_a.id,
                checklist_id="quick-edtech-check",
                checklist_version="1.0.0",
                checklist_definition={},
                status=AssessmentStatus.DECIDED,
                decision=Decision.APPROVE,
                decided_on=NOW.date() - timedelta(days=400 + n),
                snapshot={},
                snapshot_hash=snapshot_hash({}),
                created_at=NOW - timedelta(days=400 + n),
            )  # fmt: skip
        )
    db.session.commit()


def _the_product(world: World) -> Vendor:
    vendor = db.session.execute(
        db.select(Vendor).where(Vendor.product == "The product")
    ).scalar_one_or_none()
    return vendor or decided_product(world.school_a, "The product", None)


def _assignments(world: World, count: int, tag: str) -> None:
    """Assignments to single people (with due dates), each person new."""
    for n, user_id in enumerate(bulk_staff(world.school_a, count, prefix=f"{tag}as")):
        db.session.add(
            Assignment(
                school_id=world.school_a.id,
                module_id=MODULE,
                user_id=user_id,
                due_date=NOW.date() + timedelta(days=n - 5),
            )  # fmt: skip
        )
    db.session.commit()


def _certificates_of_the_teacher(world: World, count: int, tag: str) -> None:  # noqa: ARG001
    teacher = world.user("A", "teacher")
    for n in range(count):
        certify(teacher, issued=NOW - timedelta(days=30 + 40 * n))


def _audit_events(world: World, count: int, tag: str) -> None:
    """Events by different people about different objects (each named on the page)."""
    ids = bulk_staff(world.school_a, count, prefix=f"{tag}au")
    rows = []
    for user_id in ids:
        common = {"school_id": world.school_a.id, "actor_id": user_id, "created_at": NOW}
        rows += [
            {"action": "sign_in", "detail": {}, **common},
            {"action": "roles_changed", "object_type": "user", "object_id": str(user_id),
             "detail": {"before": ["teacher"], "after": ["dpo", "teacher"]}, **common},
            {"action": "exemption_added", "object_type": "user", "object_id": str(user_id),
             "detail": {"module_id": MODULE}, **common},
        ]  # fmt: skip
    db.session.execute(insert(AuditEvent), rows)
    db.session.commit()


def _policies(world: World, count: int, tag: str) -> None:
    """Published policies, each with two versions and acknowledgements by new staff."""
    staff = bulk_staff(world.school_a, 3, prefix=f"{tag}po")
    for n in range(count):
        policy = Policy(school_id=world.school_a.id, kind="other", title=f"{tag} policy {n}")
        db.session.add(policy)
        db.session.flush()
        for number in (1, 2):
            version = PolicyVersion(
                school_id=world.school_a.id, policy_id=policy.id, number=number,
                label=str(number), body="Text.", published_at=NOW - timedelta(days=3 - number),
            )  # fmt: skip
            db.session.add(version)
            db.session.flush()
            db.session.add_all(
                PolicyAcknowledgement(
                    school_id=world.school_a.id,
                    version_id=version.id,
                    policy_id=policy.id,
                    user_id=user_id,
                )  # fmt: skip
                for user_id in staff
            )
    db.session.commit()


def _acknowledgements(world: World, count: int, tag: str) -> None:
    policy = _the_policy(world)
    version = policy.versions[0]
    db.session.execute(
        insert(PolicyAcknowledgement),
        [
            {
                "school_id": world.school_a.id,
                "version_id": version.id,
                "policy_id": policy.id,
                "user_id": user_id,
                "acknowledged_at": NOW,
            }  # fmt: skip
            for user_id in bulk_staff(world.school_a, count, prefix=f"{tag}ack")
        ],
    )
    db.session.commit()


def _the_policy(world: World) -> Policy:
    policy = db.session.execute(
        db.select(Policy).where(Policy.title == "The policy")
    ).scalar_one_or_none()
    if policy is None:
        policy = Policy(school_id=world.school_a.id, kind="other", title="The policy")
        policy.versions.append(
            PolicyVersion(school_id=world.school_a.id, number=1, label="1", body="Text.")
        )
        db.session.add(policy)
        db.session.commit()
    return policy


def _family_requests(world: World, count: int, tag: str) -> None:
    from tests.families_helpers import family_request

    vendor = _the_product(world)
    for n in range(count):
        family_request(world.school_a, vendor=vendor if n % 2 else None,
                       pupil_reference=f"{tag}-{n}", received=date(2026, 11, 1))  # fmt: skip


def _published_products(world: World, count: int, tag: str) -> None:
    """Products decided through the decision services and published on the families' page."""
    from tests.families_helpers import publish, settings_for

    if count == SMALL:
        settings_for(world.school_a, "school-a-page")
    vendors = [
        decided_product(world.school_a, f"{tag} published {n}", None, commit=False)
        for n in range(count)
    ]
    db.session.commit()
    for vendor in vendors:
        publish(world.school_a, vendor)


def _emails(world: World, count: int, tag: str) -> None:
    db.session.execute(
        insert(OutboxEmail),
        [
            {
                "school_id": world.school_a.id,
                "recipient": f"{tag}{n}@a.example",
                "subject": "Reminder",
                "body": "Body",
                "created_at": NOW,
            }  # fmt: skip
            for n in range(count)
        ],
    )
    db.session.commit()


# --- the list pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    url: str | Callable[[World], str]  # a callable builds a URL that names a row
    role: str  # who looks at it (a user of school A), or "" for a page anyone may see
    grow: Callable[[World, int, str], None]


LIST_PAGES: dict[str, ListPage] = {
    "procurement.vendors": ListPage("/procurement/", "business_manager", _products),
    "procurement.vendors (filtered)": ListPage(
        "/procurement/?q=product&status=review_due", "business_manager", _products
    ),
    "procurement.trust_register": ListPage(
        "/procurement/trust", "business_manager", _shared_in_the_trust
    ),
    "procurement.reviews_due": ListPage("/procurement/reviews", "business_manager", _products),
    "procurement.compare": ListPage("/procurement/compare", "business_manager", _products),
    "procurement.vendor": ListPage(
        lambda world: f"/procurement/vendors/{_the_product(world).id}",
        "business_manager",
        _assessments_of_one_product,
    ),
    "admin.staff": ListPage("/admin/staff", "school_admin", _staff),
    "admin.staff (trust)": ListPage("/admin/staff?status=active", "trust_admin", _staff),
    "admin.outbox": ListPage("/admin/outbox", "school_admin", _emails),
    "oversight.dashboard": ListPage("/oversight/", "dpo", _staff),
    "oversight.dashboard (assignments)": ListPage("/oversight/", "dpo", _assignments),
    "oversight.trust": ListPage("/oversight/trust", "trust_admin", _staff),
    "oversight.assignments": ListPage("/oversight/assignments", "dpo", _assignments),
    "oversight.audit_log": ListPage("/oversight/audit", "school_admin", _audit_events),
    "oversight.person": ListPage(
        lambda world: f"/oversight/people/{world.user('A', 'teacher').id}",
        "dpo",
        _certificates_of_the_teacher,
    ),
    "policies.index": ListPage("/policies/", "dpo", _policies),
    "policies.index (staff)": ListPage("/policies/", "teacher", _policies),
    "policies.acknowledgement_list": ListPage(
        lambda world: f"/policies/{_the_policy(world).id}/acknowledgements",
        "dpo",
        _acknowledgements,
    ),
    "training.my_training": ListPage("/training/", "teacher", _certificates_of_the_teacher),
    "training.cpd_record": ListPage("/training/cpd", "teacher", _certificates_of_the_teacher),
    "transparency.dashboard": ListPage("/families/", "dpo", _products),
    "transparency.records": ListPage("/families/records", "dpo", _products),
    "transparency.requests": ListPage("/families/requests", "dpo", _family_requests),
    "families.apps": ListPage("/schools/school-a-page/apps", "", _published_products),
}

# GET pages without URL arguments that list nothing that grows, or are covered elsewhere.
NOT_LIST_PAGES = {
    "main.home": "links to each area; a teacher's is My training's summary",
    "main.accessibility": "static text",
    "main.privacy": "static text",
    "main.health": "one query",
    "auth.account": "the signed-in person's own settings",
    "auth.mfa_setup": "a form",
    "auth.reset_request": "a form",
    "auth.sign_in": "a form",
    "auth.recovery_code": "a form",
    "auth.find_school": "a form",
    "auth.sso_callback": "a redirect",
    "auth.two_step": "a form",
    "admin.import_staff": "a form",
    "admin.invite": "a form",
    "oversight.new_assignment": "a form (its choices are the catalogue's modules and roles)",
    "oversight.settings": "a form",
    "policies.new_policy": "a form",
    "procurement.import_assessment": "a form",
    "procurement.vendor_new": "a form",
    "transparency.request_new": "a form",
    "transparency.return_new": "a form",
    "transparency.settings": "a form",
    "training.superseded": "its statements against holders: test_retraining.py "
    "(needs a second major version of a module)",
    "verify.verify": "a form",
    # Downloads: a file of every row is meant to grow with its data (streamed, not paged).
    "transparency.records_csv": "a download",
    "transparency.records_xlsx_download": "a download",
    "transparency.requests_csv": "a download",
    "oversight.audit_export": "a download",
    "oversight.export": "a download",
    "oversight.my_data_csv": "a download",
    "oversight.my_data_json": "a download",
    "policies.acknowledgements_csv": "a download",
    "training.cpd_csv": "a download",
}


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_a_list_page_runs_the_same_statements_for_few_or_many_rows(
    name, world, signed_in, client, monkeypatch
):
    set_clock(monkeypatch, NOW)
    page = LIST_PAGES[name]
    viewer = signed_in(world.user("A", page.role)) if page.role else client
    url = page.url(world) if callable(page.url) else page.url
    viewer.get(url)  # a first visit may create a row once (a page's settings) or fill a cache
    page.grow(world, SMALL, "few")
    small = count_statements(viewer, url)
    page.grow(world, LARGE, "many")
    large = count_statements(viewer, url)
    assert small == large, f"{url}: {small} statements with few rows, {large} with many"


def test_every_page_without_arguments_is_a_list_page_or_says_why_not(app):
    listed = {name.split(" (")[0] for name in LIST_PAGES}
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    }
    missing = pages - listed - NOT_LIST_PAGES.keys()
    assert not missing, f"say whether these list rows that grow: {sorted(missing)}"
    assert not (listed | NOT_LIST_PAGES.keys()) - {
        rule.endpoint for rule in app.url_map.iter_rules()
    }


def test_the_assignments_page_shows_100_a_page_and_names_only_their_people(
    world, signed_in, monkeypatch
):
    set_clock(monkeypatch, NOW)
    dpo = signed_in(world.user("A", "dpo"))
    _assignments(world, 120, "paged")
    first = dpo.get("/oversight/assignments").get_data(as_text=True)
    assert "Standing assignments (120)" in first and 'aria-label="Pages of assignments"' in first
    assert first.count("Pagedas") == 100  # each row's person, by name
    second = dpo.get("/oversight/assignments?page=2").get_data(as_text=True)
    assert second.count("Pagedas") == 20 and 'href="/oversight/assignments?page=1"' in second
