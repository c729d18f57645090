"""Bulk data for benchmarks/load.py, run as `python -c <this file> PRODUCTS STAFF` after `flask
demo` with the benchmark's DATABASE_URL: products (each a copy of a demo decided assessment,
full snapshot and checklist copy included) and staff in the second demo school, a draft
re-assessment and an open knowledge check in the first. Prints the pages to load as JSON."""

import json
import sys

from sqlalchemy import insert, select

from app import create_app
from app.content.registry import content
from app.demo import DEMO_SCHOOLS, demo_email
from app.models import Role, School, User, UserRole, db
from app.models.base import utcnow
from app.models.procurement import Assessment, Vendor
from app.services.procurement.assessments import applicable_questions, start_assessment
from app.services.training import records


def main(products: int, staff: int) -> None:
    app = create_app()
    with app.app_context():
        first, second = (
            db.session.execute(select(School).where(School.name == name)).scalar_one()
            for name, _ in DEMO_SCHOOLS
        )
        now = utcnow()
        decided = (
            db.session.execute(
                select(Assessment)
                .where(Assessment.school_id == first.id, Assessment.decision.is_not(None))
                .order_by(Assessment.id)
            )
            .scalars()
            .first()
        )
        columns = {
            c.key: getattr(decided, c.key)
            for c in Assessment.__table__.columns
            if c.key not in {"id", "vendor_id", "school_id", "previous_id"}
        }
        vendor_ids = (
            db.session.execute(
                insert(Vendor).returning(Vendor.id),
                [
                    {
                        "school_id": second.id,
                        "name": f"Supplier {n:04d} Ltd",
                        "product": f"Product {n:04d}",
                        "created_at": now,
                    }
                    for n in range(products)
                ],  # fmt: skip
            )
            .scalars()
            .all()
        )
        for start in range(0, len(vendor_ids), 100):
            db.session.execute(
                insert(Assessment),
                [
                    columns | {"vendor_id": vid, "school_id": second.id}
                    for vid in vendor_ids[start : start + 100]
                ],  # fmt: skip
            )
        user_ids = (
            db.session.execute(
                insert(User).returning(User.id),
                [
                    {
                        "school_id": second.id,
                        "email": f"staff{n:05d}@riverside.example",
                        "display_name": f"Staff Member {n:05d}",
                        "active": True,
                        "session_epoch": 0,
                        "created_at": now,
                    }
                    for n in range(staff)
                ],  # fmt: skip
            )
            .scalars()
            .all()
        )
        db.session.execute(insert(UserRole), [{"user_id": u, "role": "teacher"} for u in user_ids])
        manager = _user(Role.BUSINESS_MANAGER, "oakfield")
        checklist = content().checklists[decided.checklist_id]
        draft = start_assessment(
            db.session, decided.vendor, checklist, user_id=manager.id,
            user_name=manager.display_name, now=now, previous=decided,
        )  # fmt: skip
        teacher = _user(Role.TEACHER, "oakfield")
        module = sorted(content().modules.values(), key=lambda m: (m.order, m.title))[0]
        for each in module.lessons:  # the check opens once the lessons are read
            records.record_lesson_read(db.session, teacher, module, each.slug, now)
        attempt = records.start_attempt(db.session, teacher, module, now)
        db.session.commit()
        section = next(
            s.id for s in checklist.sections
            if applicable_questions(checklist, s, draft.profile or {})
        )  # fmt: skip
        lesson = module.lessons[0].slug
        pages = [
            # The floor: the layout and menu a signed-in person sees on a page with no data.
            ("a signed-in page with no data", "/accessibility", teacher),
            ("My training", "/training/", teacher),
            ("a lesson", f"/training/modules/{module.id}/lessons/{lesson}", teacher),
            ("the knowledge check", f"/training/attempts/{attempt.id}", teacher),
            (
                f"vendor register, {products:,} products",
                "/procurement/",
                _user(Role.BUSINESS_MANAGER, "riverside"),
            ),  # fmt: skip
            (
                "an assessment section",
                f"/procurement/assessments/{draft.id}/sections/{section}",
                manager,
            ),  # fmt: skip
            ("the review page", f"/procurement/assessments/{decided.id}/review", manager),
            ("compliance dashboard", "/oversight/", _user(Role.DPO, "oakfield")),
            (
                f"staff list, {staff:,} staff",
                "/admin/staff",
                _user(Role.SCHOOL_ADMIN, "riverside"),
            ),  # fmt: skip
        ]
        print(json.dumps([{"page": p, "path": path, "user": u.email} for p, path, u in pages]))


def _user(role: Role, slug: str) -> User:
    return db.session.execute(select(User).where(User.email == demo_email(role, slug))).scalar_one()


main(int(sys.argv[1]), int(sys.argv[2]))
