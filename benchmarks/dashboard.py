"""Compliance dashboard and trust view response times on a large trust (50 schools, 5,000 staff,
60,000 completions) and, with `--local-authority`, also on ten times that (500 schools, 50,000
staff, 600,000 completions), measured through the test client (median and p95).

The trust view is measured twice: as served (its counts cached until something changes) and
with the cache emptied before every request (the counting statement itself).

Runs on SQLite (a temporary file) and, when `TEST_DATABASE_URL` is set, also on that PostgreSQL
database (its tables are dropped and recreated: point it at a scratch database).

    .venv/bin/python benchmarks/dashboard.py                     # print the figures
    .venv/bin/python benchmarks/dashboard.py --local-authority --record   # update README.md
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _readme import record_section  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.models import School, Trust, User, UserRole, db  # noqa: E402
from app.models.training import Assignment, Certificate  # noqa: E402
from app.services.training.certificates import add_months, new_code  # noqa: E402

SECTION = "## Dashboard"
STAFF_PER_SCHOOL, COMPLETIONS_PER_STAFF = 100, 12
SIZES = {"trust": 50, "local authority": 500}  # schools
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def seed(module_ids: list[str], schools: int) -> tuple[int, int]:
    """The trust; returns (a DPO's id in the first school, the trust admin's id)."""
    rng = random.Random(42)
    completions = schools * STAFF_PER_SCHOOL * COMPLETIONS_PER_STAFF
    trust = Trust(name="Benchmark Trust")
    db.session.add(trust)
    db.session.flush()
    school_ids = list(
        db.session.execute(
            insert(School).returning(School.id),
            [
                {"name": f"School {i:02d}", "trust_id": trust.id, "created_at": NOW}
                for i in range(schools)
            ],  # fmt: skip
        ).scalars()
    )
    users = [
        {
            "school_id": sid,
            "email": f"s{n}@school{sid}.example",
            "display_name": f"Staff {sid}-{n}",
            "active": True,
            "session_epoch": 0,
            "created_at": NOW,
        }  # fmt: skip
        for sid in school_ids
        for n in range(STAFF_PER_SCHOOL)
    ]
    user_ids = []
    for start in range(0, len(users), 5000):
        chunk = users[start : start + 5000]
        user_ids += db.session.execute(insert(User).returning(User.id), chunk).scalars()
    roles = [{"user_id": uid, "role": "teacher"} for uid in user_ids]
    roles[0]["role"] = "dpo"
    roles.append({"user_id": user_ids[1], "role": "trust_admin"})
    for start in range(0, len(roles), 5000):
        db.session.execute(insert(UserRole), roles[start : start + 5000])
    assignments = []
    for sid in school_ids:
        for index, module_id in enumerate(module_ids):
            due = date(2026, 1, 1) + timedelta(days=30 * index)
            role = None if index % 3 else "teacher"
            assignments.append(
                {
                    "school_id": sid,
                    "module_id": module_id,
                    "due_date": due,
                    "role": role,
                    "created_at": NOW,
                }  # fmt: skip
            )
    db.session.execute(insert(Assignment), assignments)
    school_of = {uid: users[i]["school_id"] for i, uid in enumerate(user_ids)}
    pairs = [(uid, mid) for uid in user_ids for mid in module_ids]
    certificates = []
    while len(certificates) < completions:
        uid, mid = pairs[len(certificates) % len(pairs)]
        issued = NOW - timedelta(days=rng.randint(0, 900))
        certificates.append(
            {
                "school_id": school_of[uid],
                "user_id": uid,
                "code": new_code(),
                "module_id": mid,
                "module_version": "1.0.0",
                "module_title": mid,
                "learner_name": "x",
                "score": 90,
                "cpd_minutes": 30,
                "issued_at": issued,
                "expires_at": add_months(issued, 12),
            }  # fmt: skip
        )
    for start in range(0, len(certificates), 5000):
        db.session.execute(insert(Certificate), certificates[start : start + 5000])
    db.session.commit()
    return user_ids[0], user_ids[1]


def _client(app, user_id: int):
    from app.auth.session import session_cookie_values

    user = db.session.get(User, user_id)
    values = session_cookie_values(user)  # a server-side session, as signing in makes
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)
    return client


def _time(client, url: str, runs: int, before=None) -> dict:
    statements = 0

    def count(*args, **kwargs):
        nonlocal statements
        statements += 1

    assert client.get(url).status_code == 200  # warm caches
    event.listen(db.engine, "before_cursor_execute", count)
    assert client.get(url).status_code == 200
    event.remove(db.engine, "before_cursor_execute", count)
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return {"median": statistics.median(timings), "p95": p95, "statements": statements}


def _complete_one(user_id: int):
    """A completion landing in the first school before each request (a busy term's normal)."""

    def complete() -> None:
        user = db.session.get(User, user_id)
        db.session.add(
            Certificate(
                school_id=user.school_id,
                user_id=user.id,
                code=new_code(),
                module_id="x",
                module_version="1",
                module_title="x",
                learner_name="x",
                score=90,
                cpd_minutes=1,
                issued_at=NOW,
                expires_at=add_months(NOW, 12),
            )  # fmt: skip
        )
        db.session.commit()

    return complete


def measure(database_url: str, runs: int, size: str) -> dict:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)

    @app.teardown_request
    def _forget_user(exc):  # noqa: ARG001
        # One app context stays pushed, so the signed-in user on `g` would leak between clients.
        from flask import g

        for key in list(vars(g)):
            g.pop(key, None)

    with app.app_context():
        from app import clock

        clock.now = lambda: NOW  # fixed clock: the same figures on every run
        db.drop_all()
        db.create_all()
        from app.content.registry import content

        module_ids = sorted(content().modules)
        started = time.perf_counter()
        dpo_id, trust_admin_id = seed(module_ids, SIZES[size])
        db.session.execute(text("ANALYZE"))  # as autovacuum would soon after a bulk load
        db.session.commit()
        seeded = time.perf_counter() - started
        trust_admin = _client(app, trust_admin_id)
        figures = {
            "backend": db.engine.dialect.name,
            "size": size,
            "seed_s": seeded,
            "dashboard": _time(_client(app, dpo_id), "/oversight/", runs),
            "trust": _time(trust_admin, "/oversight/trust", runs),
            "trust_one_change": _time(
                trust_admin, "/oversight/trust", max(3, runs // 2), before=_complete_one(dpo_id)
            ),
            "trust_uncached": _time(
                trust_admin,
                "/oversight/trust",
                max(3, runs // 4),
                before=app.extensions["tally_cache"].clear,
            ),
        }
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return figures


def section(results: list[dict], runs: int) -> str:
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    lines = [
        SECTION,
        "",
        f"`benchmarks/dashboard.py`: a trust of 50 schools ({50 * STAFF_PER_SCHOOL:,} staff, "
        f"{50 * STAFF_PER_SCHOOL * COMPLETIONS_PER_STAFF:,} completions) and a local authority "
        f"of 500 ({500 * STAFF_PER_SCHOOL:,} staff, "
        f"{500 * STAFF_PER_SCHOOL * COMPLETIONS_PER_STAFF:,} completions), "
        f"{len_modules_note()}; each page requested {runs} times through the Flask test client "
        "after one warm-up request. The school dashboard covers one school (100 staff); the "
        "trust view covers every school, its counts made in SQL and cached until a change "
        '(per school: a completion recounts its own school only; "not cached": the cache '
        "emptied before each request, so every school is counted).",
        "",
        "| database | size | page | median | p95 | SQL statements |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    pages = (
        ("dashboard", "school dashboard"),
        ("trust", "trust view"),
        ("trust_one_change", "trust view after a completion in one school"),
        ("trust_uncached", "trust view, counts not cached"),
    )
    for r in results:
        for key, label in pages:
            f = r[key]
            lines.append(
                f"| {r['backend']} | {r['size']} | {label} | {f['median']:.0f} ms | "
                f"{f['p95']:.0f} ms | {f['statements']} |"
            )
    load = os.getloadavg()[0]
    lines += [
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, load average {load:.1f}.",
        "",
    ]
    return "\n".join(lines)


def len_modules_note() -> str:
    return "every catalogue module assigned (a third to teachers only, the rest to everyone)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--local-authority", action="store_true", help="also 500 schools")
    args = parser.parse_args()
    sizes = ["trust", "local authority"] if args.local_authority else ["trust"]
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            results.append(measure(f"sqlite:///{folder}/bench.db", args.runs, size))
        if os.environ.get("TEST_DATABASE_URL"):
            results.append(measure(os.environ["TEST_DATABASE_URL"], args.runs, size))
    text = section(results, args.runs)
    print(text)
    if args.record:
        record_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
