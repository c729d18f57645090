"""The public "apps and services we use" page: only published products whose current decision is
approve or conditional and has not lapsed; no staff names; safe for shared caches; the same for a
signed-in member of staff; a PDF; a constant number of statements."""

from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from app.models import db
from app.models.procurement import Decision
from app.models.transparency import ProductNotice
from tests.factories import count_statements
from tests.families_helpers import (
    APPROVED,
    CONDITIONAL,
    QUICK,
    REJECTED,
    publish,
    seed_products,
    settings_for,
)

URL = "/schools/school-a-page/apps"


def _page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _world_with_products(world):
    manager = world.user("A", "business_manager")
    vendors = seed_products(world.school_a, manager)
    settings_for(world.school_a, "school-a-page")
    return vendors, manager


def test_only_published_in_use_products_appear(world, client):
    vendors, manager = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    publish(world.school_a, vendors[CONDITIONAL], storage="elsewhere", storage_detail="USA")
    # A notice for the rejected product, forced to published: it must still never appear.
    db.session.add(
        ProductNotice(
            school_id=world.school_a.id,
            vendor_id=vendors[REJECTED].id,
            published=True,
            purpose="Quizzes",
            lawful_basis="public_task",
            storage="uk",
            retention="A year",
        )
    )
    db.session.commit()
    html = _page(client)
    assert APPROVED in html and CONDITIONAL in html
    assert REJECTED not in html  # rejected, even with a published notice
    assert QUICK not in html  # in use but not published
    assert "Outside the UK and the EEA: USA" in html
    assert "Practice at home and in class." in html
    assert "Deleted 30 days after the pupil leaves." in html
    assert "Public task (UK GDPR Article 6(1)(e))" in html
    assert "Approved with conditions" in html
    assert manager.display_name not in html  # the decision's signer is never shown
    assert "privacy@a.example" in html


def test_a_changed_decision_shows_at_once(world, client):
    vendors, _ = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    assert APPROVED in _page(client)
    # The decision lapses (valid-until date passed): gone on the next request.
    assessment = vendors[APPROVED].latest_decided
    assessment.valid_until = assessment.decided_on - timedelta(days=1)
    db.session.commit()
    assert APPROVED not in _page(client)
    # A newer decided assessment rejects the product: gone too.
    assessment.valid_until = assessment.decided_on + timedelta(days=300)
    db.session.commit()
    assert APPROVED in _page(client)
    assessment.decision = Decision.REJECT
    db.session.commit()
    assert APPROVED not in _page(client)


def test_unpublishing_removes_the_product(world, client):
    vendors, _ = _world_with_products(world)
    notice = publish(world.school_a, vendors[APPROVED])
    assert APPROVED in _page(client)
    notice.published = False
    db.session.commit()
    assert APPROVED not in _page(client)


def test_cache_headers_allow_shared_caches_and_revalidate(world, client):
    _world_with_products(world)
    response = client.get(URL)
    assert response.headers["Cache-Control"] == "public, no-cache"
    etag = response.headers["ETag"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_member_of_staff_gets_the_same_page(world, client, signed_in):
    vendors, _ = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    dpo = world.user("A", "dpo")
    anonymous = client.get(URL)
    staff = signed_in(dpo).get(URL)
    assert staff.get_data() == anonymous.get_data()
    assert staff.headers["ETag"] == anonymous.headers["ETag"]
    assert "Set-Cookie" not in staff.headers
    assert dpo.display_name not in staff.get_data(as_text=True)
    assert "csrf_token" not in staff.get_data(as_text=True)


def test_unknown_address_and_the_numeric_id_are_not_found(world, client):
    _world_with_products(world)
    assert client.get("/schools/no-such-school/apps").status_code == 404
    assert client.get(f"/schools/{world.school_a.id}/apps").status_code == 404


def test_another_schools_page_shows_only_its_products(world, client):
    vendors, _ = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    settings_for(world.school_b, "school-b-page", email="privacy@b.example")
    html = _page(client, "/schools/school-b-page/apps")
    assert APPROVED not in html and "privacy@b.example" in html
    assert "has not published any apps" in html


def test_pdf_lists_the_published_products(world, client):
    vendors, _ = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    response = client.get("/schools/school-a-page/apps.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert APPROVED in text and REJECTED not in text
    assert "Your rights and how to use them" in text


def test_statement_count_does_not_grow_with_products(world, client):
    vendors, _ = _world_with_products(world)
    publish(world.school_a, vendors[APPROVED])
    one = count_statements(client, URL)
    publish(world.school_a, vendors[CONDITIONAL])
    publish(world.school_a, vendors[QUICK])
    assert count_statements(client, URL) == one
