"""The trust view's counts in SQL (app/services/oversight/tallies.py) against the Python rules
(compliance_items + compliance_state), on varied data, and the cache of those counts: used while
nothing changes, dropped by every change that can move a count, and never past the moment the
clock alone would move one. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Invitation, School, Trust, User, UserRole, db
from app.models.oversight import Exemption
from app.models.training import Assignment, Certificate
from app.services.oversight import compliance, tallies
from app.services.training.certificates import new_code
from app.util.dates import add_months
from tests.factories import sign_in_client

NOW = datetime(2025, 3, 10, 9, 30, 15, 123456, tzinfo=UTC)
MODULES = ["alpha", "beta", "gamma", "delta"]
ROLES = ["teacher", "dpo", "school_admin", "business_manager", "trust_admin"]
# Month ends and leap days, where "N months later" has to clamp.
AWKWARD_DAYS = [
    datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2024, 2, 29, 12, 0, tzinfo=UTC),
    datetime(2024, 8, 31, 0, 0, tzinfo=UTC),
    datetime(2024, 3, 10, 9, 30, 15, 123456, tzinfo=UTC),  # exactly 12 months before NOW
    datetime(2024, 4, 9, 9, 30, 15, 123456, tzinfo=UTC),  # expires exactly 30 days after NOW
]


def _python_figures(school_ids, now):
    people, items = compliance.compliance_items(db.session, school_ids, MODULES + ["gone"], now)
    staff = {sid: 0 for sid in school_ids}
    for person in people:
        staff[person.school_id] += 1
    return (
        staff,
        {sid: dict(t.counts) for sid, t in compliance.by_school(items).items()},
        {mid: dict(t.counts) for mid, t in compliance.by_module(items).items()},
        dict(compliance.overall(items).counts),
    )


def _sql_figures(school_ids, now):
    counted = tallies.count_statuses(db.session, school_ids, MODULES + ["gone"], now)
    return (
        counted.staff,
        {sid: dict(t.counts) for sid, t in counted.by_school.items()},
        {mid: dict(t.counts) for mid, t in counted.by_module.items()},
        dict(counted.total.counts),
    )


def _seed(rng: random.Random, schools: int = 3, staff: int = 40) -> list[int]:
    trust = Trust(name=f"Trust {rng.random()}")
    db.session.add(trust)
    db.session.flush()
    school_ids = []
    for s in range(schools):
        school = School(name=f"School {s} {rng.random()}", trust_id=trust.id)
        db.session.add(school)
        db.session.flush()
        school_ids.append(school.id)
        users = []
        for n in range(staff):
            user = User(
                school_id=school.id,
                email=f"p{n}@s{school.id}.example",
                display_name=f"Person {n}",
                active=rng.random() > 0.1,
            )
            user.set_roles(rng.sample(ROLES, rng.choice([0, 1, 1, 2])))
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        for n in range(staff // 4):  # invitations: duplicates, an account's email, used ones
            email = rng.choice([f"new{n % 5}@s{school.id}.example", users[n].email])
            db.session.add(
                Invitation(
                    school_id=school.id,
                    email=email,
                    display_name=f"Invited {n}",
                    roles=" ".join(rng.sample(ROLES, rng.choice([0, 1, 2]))),
                    token_hash=f"{school.id}-{n}-{rng.random()}",
                    created_at=NOW - timedelta(days=rng.randint(0, 20), seconds=n),
                    expires_at=NOW + timedelta(days=3),
                    accepted_at=NOW if rng.random() < 0.2 else None,
                    revoked_at=NOW if rng.random() < 0.1 else None,
                )
            )
        for module_id in MODULES + ["gone"]:  # "gone" is not in the catalogue passed
            for _ in range(rng.randint(0, 3)):
                db.session.add(
                    Assignment(
                        school_id=school.id,
                        module_id=module_id,
                        role=rng.choice([None, None, *ROLES]),
                        user_id=rng.choice(users).id if rng.random() < 0.2 else None,
                        due_date=rng.choice(
                            [
                                None,
                                NOW.date() + timedelta(days=rng.randint(-40, 40)),
                                NOW.date(),
                                NOW.date() + timedelta(days=14),
                            ]
                        ),  # fmt: skip
                        refresher_months=rng.choice([None, None, 1, 6, 12, 13]),
                    )
                )
        for user in users:
            for module_id in rng.sample(MODULES, rng.randint(0, 3)):
                for _ in range(rng.choice([1, 1, 2])):
                    issued = rng.choice(
                        AWKWARD_DAYS + [NOW - timedelta(days=rng.randint(0, 800), seconds=n)]
                    )
                    expires = add_months(issued, rng.choice([12, 12, 24]))
                    db.session.add(
                        Certificate(
                            school_id=school.id,
                            user_id=user.id,
                            code=new_code(),
                            module_id=module_id,
                            module_version="1.0.0",
                            module_title=module_id,
                            learner_name=user.display_name,
                            score=90,
                            cpd_minutes=30,
                            issued_at=issued,
                            expires_at=expires,
                        )
                    )
            if rng.random() < 0.1:
                db.session.add(
                    Exemption(
                        school_id=school.id,
                        user_id=user.id,
                        module_id=rng.choice(MODULES),
                        reason="Trained elsewhere",
                    )
                )
    db.session.commit()
    return school_ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_counts_equal_the_python_rules(seed):
    rng = random.Random(seed)
    school_ids = _seed(rng)
    items = compliance.compliance_items(db.session, school_ids, MODULES, NOW)[1]
    statuses = {item.status for item in items}
    assert len(statuses) == 7, statuses  # the data reaches every status
    moments = [NOW, NOW + timedelta(days=29, hours=23), datetime(2025, 1, 31, tzinfo=UTC)]
    moments += [add_months(day, 12) for day in AWKWARD_DAYS]  # exactly at a refresh moment
    for now in moments:
        assert _sql_figures(school_ids, now) == _python_figures(school_ids, now), now
    assert _sql_figures(school_ids[:1], NOW) == _python_figures(school_ids[:1], NOW)


@pytest.mark.parametrize("months", [1, 6, 12, 13])
def test_refresher_months_clamp_at_month_ends_as_in_python(months):
    """A certificate valid for two years, retaken every N months: the refresh moment is
    `add_months(issued, N)`, which clamps 31 January + 1 month to 29 February."""
    trust = Trust(name="Month ends")
    school = School(name="Month-end school", trust=trust)
    db.session.add_all([trust, school])
    db.session.flush()
    db.session.add(Assignment(school_id=school.id, module_id="alpha", refresher_months=months))
    for n, issued in enumerate(AWKWARD_DAYS):
        user = User(school_id=school.id, email=f"m{n}@ends.example", display_name=f"M {n}")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Certificate(school_id=school.id, user_id=user.id, code=new_code(), module_id="alpha",
                        module_version="1", module_title="a", learner_name="a", score=90,
                        cpd_minutes=1, issued_at=issued, expires_at=add_months(issued, 24))
        )  # fmt: skip
    db.session.commit()
    tick = timedelta(microseconds=1)
    for issued in AWKWARD_DAYS:
        refresh = add_months(issued, months)
        for now in (refresh - tick, refresh, refresh - timedelta(days=30), refresh + tick):
            assert _sql_figures([school.id], now) == _python_figures([school.id], now), now


def test_the_counts_hold_until_the_moment_they_say(monkeypatch):
    school_ids = _seed(random.Random(7), schools=2, staff=30)
    counted = tallies.count_statuses(db.session, school_ids, MODULES, NOW)
    assert NOW < counted.valid_until <= datetime(2025, 3, 11, tzinfo=UTC)
    just_before = counted.valid_until - timedelta(microseconds=1)
    assert _python_figures(school_ids, just_before)[1:] == _python_figures(school_ids, NOW)[1:]


@pytest.fixture
def trust_admin(world):
    return world.user("A", "trust_admin")


def _trust_page(client) -> None:
    assert client.get("/oversight/trust").status_code == 200


def test_the_trust_view_is_served_from_the_cache_until_something_changes(
    app, world, trust_admin, monkeypatch
):
    """Each change recounts only the schools whose counts it can move, and the figures then
    match the Python rules over the whole trust."""
    monkeypatch.setattr("app.clock.now", lambda: NOW)
    monkeypatch.setitem(app.extensions, "tally_cache", tallies.TallyCache())
    recounted: list[list[int]] = []
    real = tallies.count_by_school

    def counting(session, school_ids, *args, **kwargs):
        recounted.append(sorted(school_ids))
        return real(session, school_ids, *args, **kwargs)

    monkeypatch.setattr(tallies, "count_by_school", counting)
    a, a2 = world.school_a, world.school_a2
    teacher, dpo = world.user("A", "teacher"), world.user("A", "dpo")
    db.session.add(Assignment(school_id=a.id, module_id="why-data-protection-matters"))
    db.session.add(Assignment(school_id=a2.id, module_id="why-data-protection-matters"))
    db.session.commit()
    client = sign_in_client(app, trust_admin)
    _trust_page(client)
    _trust_page(client)
    assert recounted == [sorted([a.id, a2.id])]  # once, then from the cache
    teacher.last_sign_in_at = NOW  # a sign-in moves no count
    db.session.commit()
    _trust_page(client)
    assert len(recounted) == 1

    def certificate(user, school):
        return Certificate(
            school_id=school.id, user_id=user.id, code=new_code(),
            module_id="why-data-protection-matters", module_version="1", module_title="x",
            learner_name="x", score=90, cpd_minutes=1, issued_at=NOW,
            expires_at=NOW + timedelta(days=365),
        )  # fmt: skip

    def invitation(school, email):
        return Invitation(
            school_id=school.id, email=email, display_name="N", roles="teacher",
            token_hash=email, expires_at=NOW + timedelta(days=3),
        )  # fmt: skip

    moved = certificate(teacher, a2)  # issued in A2 before the teacher moved to A
    changes = [
        ("a completion", lambda: db.session.add(certificate(teacher, a)), [a.id]),
        ("an old school's certificate", lambda: db.session.add(moved), [a.id, a2.id]),
        ("its deletion", lambda: db.session.delete(moved), [a.id, a2.id]),
        (
            "an assignment",
            lambda: db.session.add(
                Assignment(school_id=a.id, module_id="principles-and-lawful-bases", role="dpo")
            ),
            [a.id],
        ),  # fmt: skip
        (
            "an exemption",
            lambda: db.session.add(
                Exemption(
                    school_id=a.id,
                    user_id=dpo.id,
                    module_id="why-data-protection-matters",
                    reason="x",
                )
            ),
            [a.id],
        ),  # fmt: skip
        ("a leaver", lambda: setattr(world.user("A", "school_admin"), "active", False), [a.id]),
        (
            "new roles",
            lambda: world.user("A", "business_manager").set_roles(["business_manager", "teacher"]),
            [a.id],
        ),  # fmt: skip
        ("an invitation", lambda: db.session.add(invitation(a2, "new@a2.example")), [a2.id]),
        # Invited to A2 with the email of someone in A: not counted while they are staff in A.
        (
            "a colleague invited",
            lambda: db.session.add(invitation(a2, teacher.email)),
            [a.id, a2.id],
        ),  # noqa: E501
        ("who leaves A", lambda: setattr(teacher, "active", False), [a.id, a2.id]),
        (
            "an assignment removed",
            lambda: db.session.delete(
                db.session.execute(select(Assignment).where(Assignment.role == "dpo")).scalar_one()
            ),
            [a.id],
        ),  # fmt: skip
        (
            "a bulk statement",
            lambda: db.session.execute(
                UserRole.__table__.delete().where(UserRole.role == "nobody")
            ),
            [a.id, a2.id],
        ),  # fmt: skip
    ]
    school_ids = [a.id, a2.id]
    for name, change, schools in changes:
        recounted.clear()
        change()
        db.session.commit()
        _trust_page(client)
        _trust_page(client)
        assert recounted == [sorted(schools)], name  # only those, and then cached again
        cached = tallies.cached_statuses(
            db.session, app.extensions["tally_cache"], school_ids, _catalogue(app), NOW
        )
        assert cached.by_school == _python_by_school(app, school_ids), name
        assert cached.total == compliance.overall(_python_items(app, school_ids)), name


def _catalogue(app) -> list[str]:
    return list(app.extensions["content"].modules)


def _python_items(app, school_ids):
    return compliance.compliance_items(db.session, school_ids, _catalogue(app), NOW)[1]


def _python_by_school(app, school_ids):
    return compliance.by_school(_python_items(app, school_ids))


def test_the_cache_is_not_used_after_the_clock_passes_a_status_change(
    app, world, trust_admin, monkeypatch
):
    cache = tallies.TallyCache()
    monkeypatch.setitem(app.extensions, "tally_cache", cache)
    school = world.school_a
    db.session.add(
        Assignment(school_id=school.id, module_id="why-data-protection-matters",
                   due_date=date(2025, 3, 11))
    )  # fmt: skip
    db.session.commit()
    ids = [world.school_a.id, world.school_a2.id]
    modules = _catalogue(app)
    today = tallies.cached_statuses(db.session, cache, ids, modules, NOW)
    assert today.valid_until == datetime(2025, 3, 11, tzinfo=UTC)  # the due date is tomorrow
    assert tallies.cached_statuses(db.session, cache, ids, modules, NOW) == today
    tomorrow = tallies.cached_statuses(db.session, cache, ids, modules, NOW + timedelta(days=2))
    assert tomorrow.total["overdue"] > 0 and today.total["overdue"] == 0
    # A clock moved back (a test, or a corrected server) does not reuse later counts either.
    assert tallies.cached_statuses(db.session, cache, ids, modules, NOW).total == today.total


def test_redis_cache_round_trip(app):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = tallies.cache_for(url)
    counted = tallies.TrustTallies.from_rows(
        [(1, "alpha", "complete", 2), (1, "alpha", "due", 1), (2, "beta", "exempt", 4)],
        {1: 3, 2: 4}, NOW, NOW + timedelta(hours=1),
    )  # fmt: skip
    cache.set("test-key", counted, 60)
    again = cache.get("test-key")
    assert again == counted and again.total.completed == 2 and again.by_school[2].counted == 0
    assert again.by_module["alpha"].rate == 66
    cache.clear()
    assert cache.get("test-key") is None
