"""Compliance pages: the school dashboard (with vendor overview), a person's record, the CSV
export and the trust view. The figures come from app/services/oversight/ (dashboard.py for the
dashboard, compliance.py for the rest) and app/services/procurement/reviews.py; the time from
app/clock.py so tests can move it."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from app import audit, clock
from app.content.registry import content
from app.downloads import csv_download
from app.form_fields import ConfirmForm
from app.input_limits import bounded_int
from app.models import ROLE_LABELS, Role, User, db
from app.models.oversight import Exemption
from app.oversight import bp
from app.oversight.forms import ExemptionForm
from app.security import get_scoped_or_404, managed_school_ids, roles_required, school_scoped
from app.services.oversight import compliance, tallies
from app.services.oversight import dashboard as dashboards
from app.services.procurement import reviews
from app.services.training.assignments import COMPLIANCE_LABELS, COMPLIANCE_TAG_CLASSES
from app.util.i18n import _, current_locale

VIEWERS = (Role.DPO, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)  # the compliance pages
MANAGERS = (Role.DPO, Role.SCHOOL_ADMIN)  # assignments, exemptions, settings
AUDITORS = (Role.DPO, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)  # the audit log


def module_titles() -> dict[str, str]:
    """Module id -> title in the reader's language (English where not translated), in order."""
    modules = sorted(content().modules.values(), key=lambda m: (m.order, m.title))
    locale = current_locale()
    return {module.id: module.in_language(locale).title for module in modules}


def chosen_school_id() -> int:
    """The school being looked at: yours, or (trust admins) one of your trust's via ?school=."""
    wanted = bounded_int(request.args.get("school"), default=0) or None
    if wanted is None:
        return current_user.school_id
    if wanted not in managed_school_ids(current_user):
        abort(404)
    return wanted


def _template_globals() -> dict:
    return {"labels": COMPLIANCE_LABELS, "tags": COMPLIANCE_TAG_CLASSES, "titles": module_titles()}


def chosen_filters(titles: dict[str, str]) -> tuple[str | None, str | None]:
    """The dashboard's ?role= and ?module= (the CSV follows the same ones); 400 if unknown."""
    role = request.args.get("role") or None
    module_id = request.args.get("module") or None
    if role not in (None, *Role) or module_id not in (None, *titles):
        abort(400)
    return role, module_id


@bp.get("/")
@roles_required(*VIEWERS)
def dashboard():
    school_id = chosen_school_id()
    titles = module_titles()
    role, module_id = chosen_filters(titles)
    now = clock.now()
    figures = dashboards.school_dashboard(
        db.session, school_id, titles, now, role=role, module_id=module_id
    )
    return render_template(
        "oversight/dashboard.html",
        **vars(figures),
        school_id=school_id,
        role=role,
        module_id=module_id,
        review_window=reviews.REVIEW_WINDOW_DAYS,
        today=now.date(),
        can_audit=current_user.has_role(*AUDITORS),
        can_manage=current_user.has_role(*MANAGERS),
        can_see_trust=current_user.has_role(Role.TRUST_ADMIN),
        filter_args={
            key: value
            for key, value in request.args.items()
            if key in ("school", "role", "module") and value
        },
        **_template_globals(),
    )


@bp.get("/export.csv")
@roles_required(*VIEWERS)
def export():
    """What the dashboard shows for the same school, role and module, in the page's words."""
    school_id = chosen_school_id()
    titles = module_titles()
    role, module_id = chosen_filters(titles)
    __, items = compliance.compliance_items(
        db.session, [school_id], titles, clock.now(), detail=True
    )
    rows = [
        [
            item.person.name,
            item.person.email,
            ", ".join(str(ROLE_LABELS[Role(r)]) for r in item.person.roles),
            _("Joined") if item.person.joined else _("Invited, not joined yet"),
            titles[item.module_id],
            COMPLIANCE_LABELS[item.status],
            f"{item.due_date:%Y-%m-%d}" if item.due_date else "",
            item.score if item.score is not None else "",
            f"{item.completed_at:%Y-%m-%d}" if item.completed_at else "",
            f"{item.refresh_at:%Y-%m-%d}" if item.refresh_at else "",
            item.certificate_code or "",
        ]
        for item in compliance.filter_items(items, role, module_id)
    ]
    audit.record("compliance_exported", object_type="school", object_id=school_id, rows=len(rows),
                 role=role, module_id=module_id)  # fmt: skip
    db.session.commit()
    header = [
        _("Name"),
        _("Email"),
        _("Roles"),
        _("Account"),
        _("Module"),
        _("Status"),
        _("Due date"),
        _("Score (%)"),
        _("Completed"),
        _("Expires"),
        _("Certificate code"),
    ]
    return csv_download(f"training-compliance-{clock.today():%Y-%m-%d}.csv", header, rows)


@bp.get("/people/<int:user_id>")
@roles_required(*VIEWERS)
def person(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    titles = module_titles()
    __, items = compliance.compliance_items(
        db.session, [user.school_id], titles, clock.now(), detail=True
    )
    mine = [item for item in items if item.person.user_id == user.id]
    exemptions = db.session.execute(
        school_scoped(Exemption, [user.school_id]).where(Exemption.user_id == user.id)
    ).scalars()
    form = ExemptionForm()
    form.module_id.choices = [("", _("Choose a module"))] + list(titles.items())
    return render_template(
        "oversight/person.html",
        user=user,
        items=mine,
        exemptions=list(exemptions),
        form=form,
        confirm=ConfirmForm(),
        can_manage=current_user.has_role(*MANAGERS, Role.TRUST_ADMIN),
        **_template_globals(),
    )


@bp.get("/trust")
@roles_required(Role.TRUST_ADMIN)
def trust():
    school_ids = managed_school_ids(current_user)
    titles = module_titles()
    now = clock.now()
    # Counted in SQL and cached until something changes (app/services/oversight/tallies.py).
    counted = tallies.cached_statuses(
        db.session, current_app.extensions["tally_cache"], school_ids, titles, now
    )
    reviews_by_school: dict[int, int] = {}
    for product in reviews.products_due_for_review(db.session, school_ids, now.date()):
        reviews_by_school[product.school_id] = reviews_by_school.get(product.school_id, 0) + 1
    names = compliance.school_names(db.session, school_ids)
    return render_template(
        "oversight/trust.html",
        trust_name=current_user.school.trust.name if current_user.school.trust else "",
        schools=[
            (
                sid,
                name,
                counted.staff.get(sid, 0),
                counted.by_school.get(sid, compliance.Tally()),
                reviews_by_school.get(sid, 0),
            )
            for sid, name in names.items()
        ],
        total=counted.total,
        modules=[(mid, titles[mid], t) for mid, t in sorted(counted.by_module.items())],
        **_template_globals(),
    )
