"""Training pages: My training, module and lesson pages, the knowledge check and its results,
certificates (page and PDF), the CPD record (page and CSV), and the public certificate check.

Views look things up, validate, call one service, commit once and redirect; the rules live in
app/services/training/ (quiz, progress, certificates, assignments, records).
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from app import audit, clock
from app.content.registry import content
from app.downloads import csv_download
from app.extensions import limiter
from app.form_fields import ConfirmForm
from app.jobs import pdf_or_pending, prerender
from app.mail import external_url
from app.models import db
from app.models.training import Certificate, QuizAttempt
from app.pdf import Document, cache_key_for, document_kind
from app.security import get_scoped_or_404
from app.services.training import quiz, records
from app.services.training.certificates import certificate_state, superseded_by
from app.services.training.progress import next_lesson
from app.training import bp, verify_bp
from app.training.forms import VerifyForm
from app.util.i18n import _, current_locale

CERTIFICATE_TEMPLATE = "pdf/certificate.html"
CERTIFICATE_LAYOUT_VERSION = "2"  # bump when the certificate template changes (cache key)


def module_or_404(module_id: str):
    """The module as recorded (English: attempts and certificates keep its id, version and
    title); pages show `_in_words(module)`."""
    module = content().modules.get(module_id)
    if module is None:
        abort(404)
    return module


def _in_words(module):
    """The module in the reader's language where it is translated (same ids and rules)."""
    return module.in_language(current_locale()) if module is not None else None


def _own_or_404(model, object_id: int):
    """A record of the signed-in user's school that is also theirs; anything else is a 404."""
    found = get_scoped_or_404(model, object_id)
    if found.user_id != current_user.id:
        abort(404)
    return found


# --- My training, modules and lessons -----------------------------------------------------------


@bp.get("/")
@login_required
def my_training():
    locale = current_locale()
    modules = [module.in_language(locale) for module in content().modules.values()]
    assigned, optional = records.my_training(db.session, current_user, modules, clock.now())
    rows = assigned + optional
    started = any(row.status != "not_started" or row.certificate for row in rows)
    return render_template(
        "training/my_training.html", assigned=assigned, optional=optional, started=started
    )


def _module_page(module, problem: str | None = None, status: int = 200):
    now = clock.now()
    page = records.module_page(db.session, current_user, module, now)
    latest = page.certificate
    return render_template(
        "training/module.html",
        module=_in_words(module),
        page=page,
        read=page.read,
        continue_slug=next_lesson([lesson.slug for lesson in module.lessons], page.read),
        certificate=latest,
        certificate_state=certificate_state(latest.expires_at, now) if latest else None,
        superseded=superseded_by(latest.module_version, module.version) if latest else None,
        closed_reason=page.gate.reason(now),
        problem=problem,
        form=ConfirmForm(),
    ), status


@bp.get("/modules/<module_id>")
@login_required
def module(module_id: str):
    return _module_page(module_or_404(module_id))


@bp.get("/modules/<module_id>/lessons/<lesson_slug>")
@login_required
def lesson(module_id: str, lesson_slug: str):
    module = module_or_404(module_id)
    lesson = module.lesson(lesson_slug) or abort(404)
    previous, following = module.neighbours(lesson)
    read = lesson.slug in records.read_in(db.session, current_user, module)
    words = _in_words(module)
    return render_template(
        "training/lesson.html",
        module=words,
        lesson=words.lesson(lesson.slug),
        previous=previous and words.lesson(previous.slug),
        following=following and words.lesson(following.slug),
        read=read,
        form=ConfirmForm(),
    )


@bp.post("/modules/<module_id>/lessons/<lesson_slug>")
@login_required
def mark_read(module_id: str, lesson_slug: str):
    module = module_or_404(module_id)
    lesson = module.lesson(lesson_slug) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    records.record_lesson_read(db.session, current_user, module, lesson.slug, clock.now())
    db.session.commit()
    __, following = module.neighbours(lesson)
    if following is not None:
        return redirect(url_for(".lesson", module_id=module.id, lesson_slug=following.slug))
    flash(_("You have read every lesson. Take the knowledge check when you are ready."), "success")
    return redirect(url_for(".module", module_id=module.id, _anchor="knowledge-check"))


# --- Knowledge check ----------------------------------------------------------------------------


@bp.post("/modules/<module_id>/check")
@login_required
def start_check(module_id: str):
    module = module_or_404(module_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = records.start_attempt(db.session, current_user, module, clock.now())
    except records.CheckNotOpen as refused:
        return _module_page(module, refused.gate.reason(clock.now()), 409)
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _submitted_answers(attempt: QuizAttempt) -> dict[str, list[str]]:
    answers = {}
    for question in attempt.questions:
        chosen = [value for value in request.form.getlist(f"q-{question['id']}") if value]
        if chosen:
            answers[question["id"]] = chosen
    return answers


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    attempt = _own_or_404(QuizAttempt, attempt_id)
    if attempt.is_submitted:
        return redirect(url_for(".attempt_result", attempt_id=attempt.id))
    answers: dict[str, list[str]] = {}
    problems: dict[str, str] = {}
    if request.method == "POST":
        answers = _submitted_answers(attempt)
        problems = quiz.answer_problems(attempt.questions, answers)
        if not problems:
            module = content().modules.get(attempt.module_id)  # English: records keep its id
            submission = records.submit_attempt(
                db.session, attempt, answers, current_user, module, clock.now()
            )
            if submission.certificate is not None:
                audit.record(
                    "certificate_issued",
                    actor_id=current_user.id,
                    school_id=current_user.school_id,
                    object_type="certificate",
                    object_id=submission.certificate.id,
                    module_id=attempt.module_id,
                )
            db.session.commit()
            if submission.certificate is not None:
                prerender("certificate", submission.certificate.id)
            return redirect(url_for(".attempt_result", attempt_id=attempt.id))
    status = 400 if problems else 200
    words = _in_words(content().modules.get(attempt.module_id))
    return render_template(
        "training/attempt.html",
        attempt=attempt,
        paper=quiz.in_words(attempt.questions, words, attempt.module_version),
        module_title=words.title if words else attempt.module_title,
        answers=answers,
        problems=problems,
    ), status


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def attempt_result(attempt_id: int):
    attempt = _own_or_404(QuizAttempt, attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    module = content().modules.get(attempt.module_id)
    now = clock.now()
    review = records.review_attempt(db.session, current_user, attempt, module, now)
    paper = quiz.in_words(attempt.questions, _in_words(module), attempt.module_version)
    return render_template(
        "training/result.html",
        attempt=attempt,
        result=quiz.grade_in_words(review.grade, paper),
        certificate=review.certificate,
        reveal=review.reveal_answers,
        closed_reason=review.gate.reason(now) if review.gate else None,
        module=_in_words(module),
        form=ConfirmForm(),
    )


# --- Certificates and CPD -----------------------------------------------------------------------


@bp.get("/certificates/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    certificate = _own_or_404(Certificate, certificate_id)
    return render_template(
        "training/certificate.html",
        certificate=certificate,
        state=certificate_state(certificate.expires_at, clock.now()),
        superseded=_superseded(certificate),
        verify_url=external_url("verify.verify_code", code=certificate.code),
    )


def _superseded(certificate: Certificate) -> str | None:
    """The module's current version when a later major version supersedes the certificate."""
    module = content().modules.get(certificate.module_id)
    return superseded_by(certificate.module_version, module.version if module else None)


@document_kind("certificate", Certificate)
def certificate_document(certificate: Certificate) -> Document:
    """The certificate as a PDF document; issued certificates never change, so it is cached."""
    verify_url = external_url("verify.verify_code", code=certificate.code)
    key = cache_key_for(
        "certificate",
        CERTIFICATE_LAYOUT_VERSION,
        certificate.code,
        certificate.learner_name,
        certificate.issued_at.isoformat(),
        verify_url,
        current_locale(),  # the certificate's words are in the reader's language
    )
    return Document(
        cache_key=key,
        template=CERTIFICATE_TEMPLATE,
        filename=f"certificate-{certificate.module_id}-{certificate.issued_at:%Y-%m-%d}.pdf",
        context=lambda: {"certificate": certificate, "verify_url": verify_url},
    )


@bp.get("/certificates/<int:certificate_id>/certificate.pdf")
@login_required
def certificate_pdf(certificate_id: int):
    certificate = _own_or_404(Certificate, certificate_id)
    back = (url_for(".certificate", certificate_id=certificate.id), _("Back to the certificate"))
    return pdf_or_pending("certificate", certificate, back=back)


@bp.get("/cpd")
@login_required
def cpd_record():
    certificates = records.certificates_for(db.session, current_user)
    return render_template(
        "training/cpd.html",
        certificates=certificates,
        total_minutes=sum(c.cpd_minutes for c in certificates),
    )


@bp.get("/cpd.csv")
@login_required
def cpd_csv():
    certificates = records.certificates_for(db.session, current_user)
    header = [_("Module"), _("Version"), _("Completed on"), _("Score (%)"), _("CPD minutes"),
              _("Certificate code"), _("Valid until")]  # fmt: skip
    rows = [
        [
            c.module_title,
            c.module_version,
            f"{c.issued_at:%Y-%m-%d}",
            c.score,
            c.cpd_minutes,
            c.code,
            f"{c.expires_at:%Y-%m-%d}",
        ]  # fmt: skip
        for c in certificates
    ]
    return csv_download(f"cpd-record-{clock.now():%Y-%m-%d}.csv", header, rows)


# --- Public certificate check -------------------------------------------------------------------


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_IP"]


@verify_bp.get("/verify")
@limiter.limit(_verify_limit)
def verify():
    form = VerifyForm(request.args)
    if "code" in request.args and form.validate():
        return redirect(url_for(".verify_code", code=form.code.data))
    status = 400 if form.errors else 200
    return render_template("training/verify.html", form=form), status


@verify_bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify_code(code: str):
    form = VerifyForm(data={"code": code})
    normalised = form.code.data if form.validate() else None
    if normalised and normalised != code:
        return redirect(url_for(".verify_code", code=normalised))
    certificate = records.find_certificate(db.session, normalised) if normalised else None
    state = certificate_state(certificate.expires_at, clock.now()) if certificate else "not_found"
    return render_template(
        "training/verified.html",
        certificate=certificate,
        state=state,
        code=code,
        superseded=_superseded(certificate) if certificate else None,
    ), (404 if certificate is None else 200)
