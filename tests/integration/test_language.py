"""Welsh and English: the language switch on every page, which language a request gets (the
signed-in user's choice, else the session, else English), `lang` on pages and PDFs, Welsh
content with English as the fallback, and emails in the recipient's language."""

import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

from app.models import OutboxEmail, db
from app.models.training import QuizAttempt
from app.util import i18n
from app.util.dates import long_date
from tests.factories import certify, csrf_token, sign_in_client
from tests.families_helpers import publish, settings_for
from tests.procurement_helpers import decided_product

MODULE = "why-data-protection-matters"
LESSON = "01-what-personal-data-a-school-holds"


def _switch(client, lang: str, back: str = "/privacy", token: str | None = None):
    token = token or csrf_token(client, back)
    return client.post("/language", data={"csrf_token": token, "lang": lang, "next": back})


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_pages_are_english_with_a_switch_to_welsh(client):
    html = _html(client.get("/privacy"))
    assert '<html lang="en-GB"' in html
    assert 'action="/language"' in html and 'name="lang" value="cy"' in html
    assert re.search(r'<button[^>]*lang="cy"[^>]*>Cymraeg</button>', html)


def test_someone_not_signed_in_switches_and_comes_back_to_the_same_page(client):
    response = _switch(client, "cy", "/privacy?x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/privacy?x=1"
    html = _html(client.get("/privacy"))
    assert '<html lang="cy"' in html
    assert '<h1 class="govuk-heading-l">Hysbysiad preifatrwydd</h1>' in html
    assert "Neidio i'r prif gynnwys" in html and "Datganiad hygyrchedd" in html
    assert re.search(r'<button[^>]*lang="en-GB"[^>]*>English</button>', html)
    assert "Set-Cookie" not in client.get("/privacy").headers  # the one session cookie as before
    _switch(client, "en")
    assert '<html lang="en-GB"' in _html(client.get("/privacy"))


def test_a_signed_in_users_choice_is_remembered_on_their_account(world, app):
    teacher = world.user("A", "teacher")
    first = sign_in_client(app, teacher)
    assert _switch(first, "cy", "/training/").status_code == 302
    db.session.refresh(teacher)
    assert teacher.locale == "cy"
    # A new session (another browser, the next day) starts in Welsh.
    html = _html(sign_in_client(app, teacher).get("/training/"))
    assert '<html lang="cy"' in html and "Fy hyfforddiant" in html
    # The saved choice wins over a session that says English.
    other = sign_in_client(app, teacher)
    with other.session_transaction() as session:
        session["locale"] = "en"
    assert '<html lang="cy"' in _html(other.get("/training/"))


def test_a_choice_made_before_signing_in_is_kept_on_the_account(world, client):
    from tests.factories import TEST_PASSWORD

    teacher = world.user("A", "teacher")
    _switch(client, "cy", "/sign-in")
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(client, "/sign-in"),
            "email": teacher.email,
            "password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert teacher.locale == "cy"


def test_the_switch_refuses_other_languages_forgery_and_other_sites(client):
    token = csrf_token(client, "/privacy")
    assert _switch(client, "fr", token=token).status_code == 400
    assert client.post("/language", data={"lang": "cy", "next": "/"}).status_code == 400
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil"):
        response = _switch(client, "cy", target, token=token)
        assert response.headers["Location"] == "/", target


def test_welsh_dates_and_plurals(app):
    with app.test_request_context("/"), i18n.in_locale("cy"):
        assert long_date("2026-11-29") == "29 Tachwedd 2026"
        assert i18n.ngettext("%(num)d minute", "%(num)d minutes", 5) == "5 munud"
        assert str(i18n.lazy_gettext("Overdue")) == "Yn hwyr"
    with app.test_request_context("/"):
        assert long_date("2026-11-29") == "29 November 2026"


def test_service_messages_are_english_outside_a_request():
    assert i18n._("Choose an answer for question %(number)d", number=3) == (
        "Choose an answer for question 3"
    )


def test_a_welsh_module_page_and_lesson_say_the_translation_is_a_draft(world, signed_in):
    client = signed_in(world.user("A", "teacher"))
    _switch(client, "cy", "/training/")
    module = _html(client.get(f"/training/modules/{MODULE}"))
    assert "Pam mae diogelu data yn bwysig yn yr ysgol" in module
    assert "Cyfieithiad Cymraeg (drafft, yn aros i siaradwr Cymraeg ei adolygu)." in module
    lesson = _html(client.get(f"/training/modules/{MODULE}/lessons/{LESSON}"))
    assert "Y data personol y mae ysgol yn ei gadw" in lesson and "Pwynt allweddol" in lesson
    assert 'lang="en-GB"' not in lesson.split("</header>")[1]  # no English content on it


def test_a_module_not_yet_in_welsh_is_shown_in_english_and_says_so(world, signed_in):
    client = signed_in(world.user("A", "teacher"))
    _switch(client, "cy", "/training/")
    html = _html(client.get("/training/modules/principles-and-lawful-bases"))
    assert "Nid yw'r modiwl hwn ar gael yn Gymraeg eto." in html
    assert re.search(r'<h1 class="govuk-heading-l" lang="en-GB">', html)
    training = _html(client.get("/training/"))
    assert "Cyfieithiad Cymraeg: drafft" in training and "Yn Saesneg" in training


def test_records_keep_the_english_module_whichever_language(world, signed_in):
    client = signed_in(world.user("A", "teacher"))
    _switch(client, "cy", "/training/")
    response = client.post(
        f"/training/modules/{MODULE}/check",
        data={"csrf_token": csrf_token(client, f"/training/modules/{MODULE}")},
    )
    assert response.status_code == 409  # the lessons are not read yet: the reason is in Welsh
    assert "Darllenwch bob gwers cyn i chi sefyll y gwiriad gwybodaeth" in response.get_data(
        as_text=True
    )
    for slug in [lesson for lesson in _lesson_slugs()]:
        client.post(
            f"/training/modules/{MODULE}/lessons/{slug}",
            data={"csrf_token": csrf_token(client, f"/training/modules/{MODULE}/lessons/{slug}")},
        )
    response = client.post(
        f"/training/modules/{MODULE}/check",
        data={"csrf_token": csrf_token(client, f"/training/modules/{MODULE}")},
    )
    attempt = db.session.execute(select(QuizAttempt)).scalar_one()
    assert attempt.module_title == "Why data protection matters in school"
    assert attempt.questions[0]["prompt"].isascii()  # the stored paper is the English one
    page = _html(client.get(response.headers["Location"]))
    assert "Gwiriad gwybodaeth" in page
    # The paper is drawn at random; a prompt with an apostrophe is escaped in the HTML.
    welsh_prompts = {str(escape(q.prompt)) for q in _welsh_module().questions}
    assert any(prompt in page for prompt in welsh_prompts)


def _lesson_slugs() -> list[str]:
    from app.content.registry import content

    return [lesson.slug for lesson in content().modules[MODULE].lessons]


def _welsh_module():
    from app.content.registry import content

    return content().modules[MODULE].in_language("cy")


def test_the_certificate_pdf_is_welsh_with_lang_cy(world, signed_in):
    teacher = world.user("A", "teacher")
    certificate = certify(teacher, MODULE)
    db.session.commit()
    client = signed_in(teacher)
    english = client.get(f"/training/certificates/{certificate.id}/certificate.pdf")
    _switch(client, "cy", "/training/")
    welsh = client.get(f"/training/certificates/{certificate.id}/certificate.pdf")
    assert english.data != welsh.data  # cached apart, by language
    reader = PdfReader(__import__("io").BytesIO(welsh.data))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    text = reader.pages[0].extract_text()
    assert "Tystysgrif cwblhau" in text and "Cod dilysu" in text


def test_emails_go_out_in_the_recipients_language(world, app, monkeypatch):
    from app.mail import send_email

    teacher = world.user("A", "teacher")
    teacher.locale = "cy"
    db.session.commit()
    with app.test_request_context("/"):  # sent from an English page
        send_email(teacher.email, "password_reset", name="Sam", link="https://x", minutes=60)
        send_email("new@a.example", "password_reset", name="Ana", link="https://x", minutes=60)
    subjects = db.session.execute(select(OutboxEmail.subject).order_by(OutboxEmail.id)).scalars()
    assert list(subjects) == [
        "Ailosod eich cyfrinair Privacy Toolkit for Schools",
        "Reset your Privacy Toolkit for Schools password",
    ]


def test_reminders_are_written_in_each_recipients_language(world, app, runner, monkeypatch):
    from tests.factories import assign

    monkeypatch.setattr("app.clock.now", lambda: datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    teacher = world.user("A", "teacher")
    teacher.locale = "cy"
    assign(world.school_a, MODULE, due=datetime(2026, 11, 29).date())
    db.session.commit()
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    body = db.session.execute(
        select(OutboxEmail.body).where(OutboxEmail.recipient == teacher.email)
    ).scalar_one()
    assert "Helo " in body and "Pam mae diogelu data yn bwysig yn yr ysgol" in body
    assert "29 Tachwedd 2026" in body
    other = db.session.execute(
        select(OutboxEmail.body).where(OutboxEmail.recipient == world.user("A", "dpo").email)
    ).scalar_one()
    assert "Hello " in other and "29 November 2026" in other


@pytest.mark.parametrize("page", ["apps", "school-census"])
def test_public_pages_take_the_language_from_the_address(world, client, page):
    vendor = decided_product(world.school_a, "Spellbound", None)
    settings_for(world.school_a, "school-a-page", email="privacy@a.example")
    publish(world.school_a, vendor)
    english = _html(client.get(f"/schools/school-a-page/{page}"))
    welsh = _html(client.get(f"/schools/school-a-page/{page}?lang=cy"))
    assert '<html lang="en-GB"' in english and '<html lang="cy"' in welsh
    assert "csrf_token" not in welsh
    switch = r'<a [^>]*href="/schools/school-a-page/[^"]*lang=cy"[^>]*hreflang="cy"'
    assert re.search(switch, english)
    # A Welsh session does not change what everyone else gets at the English address.
    _switch(client, "cy", "/privacy")
    assert _html(client.get(f"/schools/school-a-page/{page}")) == english


def test_the_catalogue_is_looked_up_once_a_request_and_again_in_another_language(app):
    from flask_babel import force_locale

    from app.i18n import translations
    from app.util.i18n import _

    with app.test_request_context("/"):
        first = translations()
        assert translations() is first and _("Next") == "Next"
        with force_locale("cy"):  # an email in its recipient's language
            assert translations() is not first and _("Next") == "Nesaf"
        assert translations() is first and _("Next") == "Next"


def test_templates_translate_and_format_as_jinjas_new_style_gettext_does(app):
    # app/i18n.py keeps the text of messages without placeholders per catalogue: the same
    # message must still come out in each language, escaped, with %% as a percent sign.
    from flask import render_template_string
    from flask_babel import force_locale

    page = (
        "{{ _('Next') }}|{{ _('%(who)s next', who=who) }}|{{ _('100%% sure') }}|"
        "{{ ngettext('%(num)d policy', '%(num)d policies', 2) }}|{% trans %}Next{% endtrans %}"
    )
    with app.test_request_context("/"):
        english = render_template_string(page, who="<b>")
        with force_locale("cy"):
            welsh = render_template_string(page, who="<b>")
        again = render_template_string(page, who="<b>")
    assert english == again == "Next|&lt;b&gt; next|100% sure|2 policies|Next"
    assert welsh.startswith("Nesaf|&lt;b&gt; next|100% sure|") and welsh.endswith("|Nesaf")


def test_my_trainings_cards_come_in_each_readers_language(world, signed_in):
    # The cards' module parts are rendered once per language (app/training/cards.py).
    english, welsh = (signed_in(world.user(school, "teacher")) for school in ("A", "A2"))
    assert _switch(welsh, "cy", "/training/").status_code == 302
    for _ in range(2):
        assert "About " in _html(english.get("/training/"))
        page = _html(welsh.get("/training/"))
        assert "Tua " in page and "About " not in page
