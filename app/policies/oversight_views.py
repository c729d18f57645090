"""Who has acknowledged each policy: the list for one policy (by status) and the CSV for the
school, for its DPO and admins and the trust's admins (?school= in the CSV, as on the
dashboard)."""

from flask import abort, render_template, request
from flask_login import current_user

from app import audit, clock
from app.downloads import csv_download
from app.input_limits import bounded_int
from app.models import ROLE_LABELS, Role, db
from app.oversight.views import chosen_school_id
from app.policies import bp
from app.policies.views import OVERSEERS, policy_or_404
from app.security import managed_school_ids, roles_required
from app.services.policies import acknowledgements
from app.services.policies.acknowledgements import ACK_LABELS, ACK_TAGS, AckStatus
from app.util.dates import short_date
from app.util.i18n import _

LIST_LIMIT = 200  # people listed on a page; the CSV has everyone


@bp.get("/<int:policy_id>/acknowledgements")
@roles_required(*OVERSEERS)
def acknowledgement_list(policy_id: int):
    found = policy_or_404(policy_id, managed_school_ids(current_user))
    wanted = request.args.get("status") or None
    if wanted not in (None, *AckStatus):
        abort(400)
    overview = acknowledgements.overview(db.session, [found.school_id])
    entry = next((o for o in overview if o.policy.id == found.id), None)
    if entry is None:  # withdrawn: nobody is asked any more
        abort(404)
    people = [p for p in entry.people if not wanted or p.status == wanted]
    return render_template(
        "policies/acknowledgements.html",
        entry=entry,
        people=people,
        shown=LIST_LIMIT,
        status=wanted,
        labels=ACK_LABELS,
        tags=ACK_TAGS,
        statuses=AckStatus,
    )


@bp.get("/acknowledgements.csv")
@roles_required(*OVERSEERS)
def acknowledgements_csv():
    school_id = chosen_school_id()
    wanted = bounded_int(request.args.get("policy"), default=0) or None
    rows = [
        [
            person.name,
            person.email,
            ", ".join(str(ROLE_LABELS[Role(role)]) for role in person.roles),
            entry.policy.title,
            entry.version.name,
            ACK_LABELS[person.status],
            person.version_name or "",
            short_date(person.acknowledged_at) if person.acknowledged_at else "",
        ]
        for entry in acknowledgements.overview(db.session, [school_id])
        if wanted is None or entry.policy.id == wanted
        for person in entry.people
    ]
    audit.record(
        "policy_acknowledgements_exported",
        school_id=school_id,
        object_type="school",
        object_id=school_id,
        rows=len(rows),
    )
    db.session.commit()
    header = [
        _("Name"),
        _("Email"),
        _("Roles"),
        _("Policy"),
        _("Current version"),
        _("Status"),
        _("Version acknowledged"),
        _("Acknowledged on"),
    ]
    return csv_download(f"policy-acknowledgements-{clock.today():%Y-%m-%d}.csv", header, rows)
