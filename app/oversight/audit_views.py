"""The audit log for DPOs and school admins (their school) and trust admins (their trust):
filter by event, person and dates; each event in words that name its people and objects
(app/services/oversight/audit_text.py); export what the filter shows as CSV (the export is
itself logged)."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import aliased

from app import audit, clock
from app.downloads import csv_download
from app.input_limits import bounded_int
from app.models import AuditEvent, School, User, db
from app.oversight import bp
from app.oversight.forms import AuditFilterForm
from app.oversight.views import AUDITORS, module_titles
from app.security import managed_school_ids, roles_required, school_scoped
from app.services.oversight.audit_text import describe, resolve_names
from app.util.i18n import _

PAGE_SIZE = 100
MAX_PAGE = 100_000  # far past any school's log, and an offset every database can take
EXPORT_LIMIT = 50_000

Actor = aliased(User)


def _filter_form(school_ids: list[int]) -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.school_id.in_(school_ids)).distinct()
    ).scalars()
    form.action.choices = [("", _("All events"))] + [
        (a, a.replace("_", " ")) for a in sorted(actions)
    ]
    people = db.session.execute(school_scoped(User, school_ids).order_by(User.display_name))
    form.person.choices = [("", _("Everyone"))] + [
        (str(u.id), f"{u.display_name} ({u.email})") for u in people.scalars()
    ]
    return form


def _query(form: AuditFilterForm, school_ids: list[int]) -> Select:
    stmt = (
        select(AuditEvent, Actor.display_name, School.name)
        .outerjoin(Actor, Actor.id == AuditEvent.actor_id)
        .outerjoin(School, School.id == AuditEvent.school_id)
        .where(AuditEvent.school_id.in_(school_ids))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if form.action.data:
        stmt = stmt.where(AuditEvent.action == form.action.data)
    if form.person.data:
        person_id = int(form.person.data)
        stmt = stmt.where(
            or_(
                AuditEvent.actor_id == person_id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == str(person_id)),
            )
        )
    if form.date_from.data:
        stmt = stmt.where(
            AuditEvent.created_at >= datetime.combine(form.date_from.data, time(), UTC)
        )
    if form.date_to.data:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEvent.created_at < end)
    return stmt


def _describer(rows):
    """describe(event) for these rows, their names looked up once for all of them."""
    names = resolve_names(db.session, [row[0] for row in rows], module_titles())
    return lambda event: describe(event, names)


@bp.get("/audit")
@roles_required(*AUDITORS)
def audit_log():
    school_ids = managed_school_ids(current_user)
    form = _filter_form(school_ids)
    valid = form.validate()
    page = bounded_int(request.args.get("page"), default=1, low=1, high=MAX_PAGE)
    rows: Sequence[Row[Any]] = []
    if valid:
        stmt = _query(form, school_ids).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
        rows = db.session.execute(stmt).all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "oversight/audit.html",
        form=form,
        rows=rows[:PAGE_SIZE],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        args=args,
        describe=_describer(rows[:PAGE_SIZE]),
        many_schools=len(school_ids) > 1,
    ), (200 if valid else 400)


@bp.get("/audit.csv")
@roles_required(*AUDITORS)
def audit_export():
    school_ids = managed_school_ids(current_user)
    form = _filter_form(school_ids)
    if not form.validate():
        return audit_log()  # the page shows what is wrong with the filter (a 400)
    rows = db.session.execute(_query(form, school_ids).limit(EXPORT_LIMIT)).all()
    in_words = _describer(rows)
    data = [
        [
            f"{event.created_at:%Y-%m-%d %H:%M:%S}",
            school or "",
            event.action,
            actor or "",
            event.object_type or "",
            event.object_id or "",
            in_words(event),
            json.dumps(event.detail, sort_keys=True, ensure_ascii=False) if event.detail else "",
            event.ip_address or "",
        ]
        for event, actor, school in rows
    ]
    audit.record("audit_log_exported", rows=len(data), filters=dict(request.args) or None)
    db.session.commit()
    header = [
        _("When (UTC)"),
        _("School"),
        _("Event"),
        _("By"),
        _("Object type"),
        _("Object id"),
        _("Detail"),
        _("Detail as recorded"),
        _("IP address"),
    ]
    return csv_download(f"audit-log-{clock.today():%Y-%m-%d}.csv", header, data)
