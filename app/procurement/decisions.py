"""Deciding about a product: proposing a decision, a DPO signing it off or sending it back, and
marking its conditions as met. Each POST makes one service call (app/services/procurement/
sign_off.py or conditions.py), which checks the rules, freezes the snapshot and audits."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from app import audit, clock
from app.content.registry import content
from app.mail import MailError, external_url, send_email
from app.models import db
from app.models.procurement import Assessment, Condition, Decision
from app.procurement import bp
from app.procurement.common import (
    ROLES,
    current_snapshot,
    form_version,
    load_assessment,
    me,
    prerender_reports,
    read_only_redirect,
)
from app.procurement.forms import ConditionMetForm, DecisionForm, SignOffForm
from app.security import get_scoped_or_404, roles_required
from app.services.procurement import sign_off as signing
from app.services.procurement.conditions import mark_met, owner_choices
from app.services.procurement.decisions import (
    ConditionInput,
    DecisionError,
    ProposalInput,
    options_for,
)
from app.services.procurement.reports import decision_view
from app.util.i18n import _


def _prefill(form: DecisionForm, proposal: dict) -> None:
    """A proposal sent back: the form starts from what the proposer typed before."""
    form.outcome.data = proposal.get("outcome")
    form.reason.data = proposal.get("reason")
    form.departure_reason.data = proposal.get("departure_reason")
    for entry, record in zip(form.conditions, proposal.get("conditions", []), strict=False):
        condition = ConditionInput.from_record(record)
        entry.form.text.data = condition.text
        entry.form.due_on.data = condition.due_on
        if condition.owner_user_id is not None:
            entry.form.owner.data = f"user:{condition.owner_user_id}"
        else:
            entry.form.owner.data = "supplier"
            entry.form.supplier_contact.data = condition.owner_name


@bp.route("/assessments/<int:assessment_id>/decision", methods=["GET", "POST"])
@roles_required(*ROLES)
def decision(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.proposed:
        return redirect(url_for("procurement.sign_off", assessment_id=assessment.id))
    if assessment.decided:
        return read_only_redirect(assessment)
    if not assessment.profile_done:
        flash(_("Answer the profile questions before proposing a decision."), "error")
        return redirect(url_for("procurement.profile", assessment_id=assessment.id))
    user = me()
    snapshot = current_snapshot(assessment)
    options = options_for(snapshot["result"], snapshot["knockouts"])
    form = DecisionForm()
    form.offer(list(Decision), owner_choices(db.session, user.school_id))
    if not form.is_submitted() and assessment.proposal:
        _prefill(form, assessment.proposal)
    problem, version = None, assessment.version
    if form.validate_on_submit():
        proposal = ProposalInput(
            form.outcome.data,
            form.reason.data or "",
            form.departure_reason.data or "",
            tuple(form.chosen_conditions()),
        )
        try:
            signing.propose(
                db.session,
                assessment,
                proposal,
                proposer=user,
                checklists=content().checklists,
                expected_version=form_version(),
                now=clock.now(),
                record=audit.record,
            )
        except DecisionError as error:
            db.session.rollback()
            problem = str(error)
        except signing.StaleAssessment:
            db.session.rollback()
            # Everything typed stays in the form; the page shows the result as it is now.
            snapshot = current_snapshot(assessment)
            options = options_for(snapshot["result"], snapshot["knockouts"])
            version = assessment.version
            problem = _(
                "Someone changed the answers while you were deciding, so nothing was proposed. "
                "The result is now %(band)s, score %(score)s. Your decision is still below: "
                "check it against the new result, then propose it again.",
                band=snapshot["result"]["band_label"],
                score=snapshot["result"]["score"],
            )
        else:
            _ask_signers(assessment, Decision(proposal.outcome))
            db.session.commit()
            flash(_("Decision proposed. A DPO of your school can now sign it off."), "success")
            return redirect(url_for("procurement.sign_off", assessment_id=assessment.id))
    elif form.is_submitted():
        form_version()  # a missing or forged version is a 400, as on the other forms
        version = int(request.form["version"])
    return render_template(
        "procurement/decision.html",
        assessment=assessment,
        form=form,
        snapshot=snapshot,
        result=snapshot["result"],
        options=options,
        problem=problem,
        version=version,
        returned=(assessment.proposal or {}).get("returned"),
        signers=signing.dpo_users(db.session, user.school_id),
    )


def _ask_signers(assessment: Assessment, outcome: Decision) -> None:
    """Email the school's DPOs (other than the proposer) that a decision waits for them. A mail
    server that refuses is logged: the proposal stands and its page names who can sign. The
    template says the outcome's label, so it is in each recipient's language, not the proposer's."""
    proposer = me()
    link = external_url("procurement.sign_off", assessment_id=assessment.id)
    for signer in signing.dpo_users(db.session, assessment.school_id):
        if signer.id == proposer.id:
            continue
        try:
            send_email(
                signer.email,
                "decision_proposed",
                school_id=assessment.school_id,
                name=signer.display_name,
                proposer=proposer.display_name,
                product=assessment.vendor.product,
                supplier=assessment.vendor.name,
                outcome=outcome,
                school_name=proposer.school.name,
                link=link,
            )
        except MailError as error:
            current_app.logger.warning("Sign-off email to %s not sent: %s", signer.email, error)


@bp.route("/assessments/<int:assessment_id>/sign-off", methods=["GET", "POST"])
@roles_required(*ROLES)
def sign_off(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if not assessment.proposed:
        if assessment.decided:
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
        return redirect(url_for("procurement.decision", assessment_id=assessment.id))
    snapshot, proposal = assessment.snapshot, assessment.proposal
    if snapshot is None or proposal is None:  # a proposal freezes both
        abort(404)
    user = me()
    form = SignOffForm()
    problem = None
    may_sign = signing.may_sign_off(user, assessment)
    if form.validate_on_submit():
        if not may_sign:
            abort(403)
        try:
            if form.action.data == "sign":
                decided = signing.sign_off(
                    db.session,
                    assessment,
                    signer=user,
                    accept_departure=bool(form.accept_departure.data),
                    expected_version=form_version(),
                    now=clock.now(),
                    record=audit.record,
                )
                message = _("Decision signed off: %(decision)s.", decision=decided["label"])
            else:
                signing.send_back(
                    db.session,
                    assessment,
                    signer=user,
                    note=form.note.data or "",
                    expected_version=form_version(),
                    now=clock.now(),
                    record=audit.record,
                )
                message = _("Decision sent back to draft with your note.")
        except DecisionError as error:
            db.session.rollback()
            problem = str(error)
        except signing.StaleAssessment:
            db.session.rollback()
            flash(_("Someone else has just signed off or sent back this decision."), "info")
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
        else:
            db.session.commit()
            prerender_reports(assessment.id, draft=not assessment.decided)
            flash(message, "success")
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
    return render_template(
        "procurement/sign_off.html",
        assessment=assessment,
        form=form,
        snapshot=snapshot,
        result=snapshot["result"],
        knockouts=snapshot["knockouts"],
        proposal=decision_view(
            dict(
                proposal,
                label=Decision(proposal["outcome"]).label,
                decided_on=proposal["proposed_on"],
            )
        ),  # fmt: skip
        may_sign=may_sign,
        is_proposer=assessment.proposed_by_id == user.id,
        problem=problem,
        signers=signing.dpo_users(db.session, user.school_id),
    )


@bp.route("/conditions/<int:condition_id>/met", methods=["GET", "POST"])
@roles_required(*ROLES)
def condition_met(condition_id: int):
    condition = get_scoped_or_404(Condition, condition_id)
    assessment = condition.assessment
    back = url_for("procurement.review", assessment_id=assessment.id)
    if condition.met:
        flash(_("This condition is already marked as met."), "info")
        return redirect(back)
    form = ConditionMetForm()
    problem = None
    if form.validate_on_submit():
        try:
            mark_met(
                db.session,
                condition,
                note=form.note.data or "",
                evidence=form.evidence.data or "",
                by=me(),
                today=clock.now().date(),
                record=audit.record,
            )
        except DecisionError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(_("Condition marked as met: %(condition)s", condition=condition.text), "success")
            return redirect(back)
    return render_template(
        "procurement/condition_met.html",
        condition=condition,
        assessment=assessment,
        form=form,
        problem=problem,
        today=clock.now().date(),
        back=back,
    )
