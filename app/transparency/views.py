"""The families' dashboard, the page settings and what the school publishes about each product."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.models import db
from app.security import roles_required
from app.services.transparency.decisions import products_in_use
from app.services.transparency.notices import (
    NotReadyToPublish,
    missing,
    notice_for,
    notice_rows,
    save_notice,
)
from app.services.transparency.requests import counts_by_product, school_requests
from app.services.transparency.settings import SlugTaken, save_settings
from app.transparency import bp
from app.transparency.common import FAMILY_ROLES, my_settings, public_page_url
from app.transparency.forms import NoticeForm, SettingsForm
from app.util.i18n import _


@bp.get("/")
@roles_required(*FAMILY_ROLES)
def dashboard():
    settings = my_settings()
    today = clock.today()
    rows = notice_rows(db.session, current_user.school_id, today)
    requests = school_requests(db.session, current_user.school_id)
    return render_template(
        "transparency/dashboard.html",
        settings=settings,
        public_url=public_page_url(settings.public_slug),
        rows=rows,
        published=sum(row.published for row in rows),
        open_requests=sum(not r.closed for r in requests),
        total_requests=len(requests),
        counts=counts_by_product(db.session, current_user.school_id),
    )


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def settings():
    settings = my_settings()
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        try:
            changed = save_settings(db.session, settings, form.data, clock.now())
        except SlugTaken:
            db.session.rollback()
            form.public_slug.errors = [_("Another school uses that page address: choose another")]
        else:
            audit.record(
                "family_page_settings_changed",
                object_type="family_page_settings",
                object_id=settings.id,
                fields=changed or None,
            )
            db.session.commit()
            flash(_("Families' page settings saved."), "success")
            return redirect(url_for("transparency.dashboard"))
    return render_template("transparency/settings.html", form=form, settings=settings), (
        400 if form.errors else 200
    )


@bp.route("/products/<int:vendor_id>", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def notice(vendor_id: int):
    found = products_in_use(
        db.session, current_user.school_id, clock.today(), vendor_ids=[vendor_id]
    )
    if not found:
        abort(404)  # another school's, rejected, lapsed or never decided: nothing to publish
    product = found[0]
    notice = notice_for(db.session, current_user.school_id, product)
    form = NoticeForm(obj=notice)
    problem = None
    if form.validate_on_submit():
        try:
            changed = save_notice(
                db.session, notice, form.data, user_id=current_user.id, now=clock.now()
            )
        except NotReadyToPublish as error:
            db.session.rollback()
            problem = str(error)
        else:
            audit.record(
                "product_notice_changed",
                object_type="vendor",
                object_id=vendor_id,
                fields=changed or None,
                published=notice.published,
            )
            db.session.commit()
            flash(
                f"{product.product}: "
                + ("shown on the public page." if notice.published else "saved, not published."),
                "success",
            )
            return redirect(url_for("transparency.dashboard"))
    return render_template(
        "transparency/notice.html",
        form=form,
        product=product,
        problem=problem,
        gaps=missing(notice),
    ), (400 if form.errors or problem else 200)
