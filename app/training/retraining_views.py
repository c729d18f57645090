"""Re-training after a major module change, for DPOs and school admins: the modules whose
current major version supersedes certificates staff hold, and reassigning each to those people
with a due date. The rules live in app/services/training/retraining.py."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.content.registry import content
from app.models import db
from app.oversight.views import MANAGERS
from app.security import roles_required
from app.services.training import retraining
from app.training import bp
from app.training.forms import ReassignForm
from app.training.views import module_or_404
from app.util.dates import long_date
from app.util.i18n import _, ngettext


def _page(forms: dict | None = None, status: int = 200):
    changed = retraining.superseded_modules(db.session, current_user.school_id, content().modules)
    forms = forms or {}
    for item in changed:
        forms.setdefault(item.module.id, ReassignForm(prefix=item.module.id, formdata=None))
    return render_template("training/superseded.html", changed=changed, forms=forms), status


@bp.get("/superseded")
@roles_required(*MANAGERS)
def superseded():
    return _page()


@bp.post("/superseded/<module_id>/reassign")
@roles_required(*MANAGERS)
def reassign(module_id: str):
    module = module_or_404(module_id)
    form = ReassignForm(prefix=module.id)
    if not form.validate_on_submit() or form.due_date.data is None:
        return _page({module.id: form}, 400)
    created = retraining.reassign(
        db.session,
        school_id=current_user.school_id,
        module=module,
        due_date=form.due_date.data,
        now=clock.now(),
        actor_id=current_user.id,
        record=audit.record,
    )
    db.session.commit()
    if created:
        flash(
            ngettext(
                "%(module)s version %(version)s reassigned to %(num)d person, due by %(date)s.",
                "%(module)s version %(version)s reassigned to %(num)d people, due by %(date)s.",
                len(created),
                module=module.title,
                version=module.version,
                date=long_date(form.due_date.data),
            ),
            "success",
        )
    else:
        flash(
            _(
                "Everyone holding an earlier version of %(module)s is already reassigned.",
                module=module.title,
            )
        )
    return redirect(url_for(".superseded"))
