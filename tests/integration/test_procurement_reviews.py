"""One rule for "due for review": the Reviews due page, the vendor register, the oversight
dashboard and the trust view list the same products. The register reads in a constant number of
SQL statements, without the assessments' JSON."""

import re
from datetime import timedelta

from sqlalchemy import event

from app.models import db
from app.models.procurement import Decision
from app.services.procurement.reviews import REVIEW_WINDOW_DAYS
from tests.factories import NOW, count_statements, set_clock
from tests.procurement_helpers import decided_product

# Days from today to each product's valid-until date.
PRODUCTS = {
    "Lapsed Reader": -5,
    "Due Today Maths": 0,
    "Soon Spelling": 10,
    "Later Science": 45,  # due on one page and not the other before there was one rule
    "Edge Phonics": REVIEW_WINDOW_DAYS,
    "Far Geography": REVIEW_WINDOW_DAYS + 1,
    "Rejected Quiz": None,  # a rejection never lapses
}
DUE = {name for name, days in PRODUCTS.items() if days is not None and days <= REVIEW_WINDOW_DAYS}


def _register_products(school):
    for name, days in PRODUCTS.items():
        until = None if days is None else NOW.date() + timedelta(days=days)
        decision = Decision.REJECT if days is None else Decision.APPROVE
        decided_product(school, name, until, decision=decision)


def _named(html: str) -> set[str]:
    return {name for name in PRODUCTS if re.search(rf"\b{name}\b", html)}


def test_reviews_page_and_dashboard_list_the_same_products(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    _register_products(world.school_a)
    dpo = signed_in(world.user("A", "dpo"))
    reviews_page = dpo.get("/procurement/reviews").get_data(as_text=True)
    dashboard = dpo.get("/oversight/").get_data(as_text=True)
    panel = dashboard[dashboard.index("Reviews due in the next") :]
    assert _named(reviews_page) == DUE
    assert _named(panel) == DUE
    register = dpo.get("/procurement/?status=review_due").get_data(as_text=True)
    assert _named(register) == DUE
    assert register.count(">Lapsed<") == 1 and register.count(">Review due<") == len(DUE) - 1
    trust = signed_in(world.user("A", "trust_admin")).get("/oversight/trust").get_data(as_text=True)
    assert re.search(rf">{len(DUE)}</td>", trust)


def test_reviews_page_offers_to_continue_a_started_reassessment(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    vendor = decided_product(world.school_a, "Half Done", NOW.date(), draft_after=True)
    page = signed_in(world.user("A", "dpo")).get("/procurement/reviews").get_data(as_text=True)
    draft = vendor.latest_assessment
    assert f"/procurement/assessments/{draft.id}" in page and "Continue re-assessment" in page


BULKY_COLUMNS = {"snapshot", "checklist_definition", "profile", "value", "evidence"}


def _bulky_columns_read(client, url: str) -> set[str]:
    """Whole JSON columns among the columns every statement of one GET returned."""
    returned: set[str] = set()

    def keep(conn, cursor, *args):  # noqa: ARG001
        returned.update(column[0] for column in cursor.description or ())

    event.listen(db.engine, "after_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", keep)
    return returned & BULKY_COLUMNS


def _products(school, start: int, count: int) -> None:
    for i in range(start, start + count):
        decided_product(
            school, f"Product {i:03d}", NOW.date() + timedelta(days=i), draft_after=i % 2 == 0,
            commit=False,
        )  # fmt: skip
    db.session.commit()


PAGES_OVER_EVERY_PRODUCT = (
    "/procurement/",
    "/procurement/?q=prod&status=review_due",
    "/procurement/reviews",
    "/procurement/compare",
)


def test_register_reads_in_the_same_number_of_statements_for_3_and_60_products(
    world, signed_in, monkeypatch
):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "business_manager"))
    _products(world.school_a, 0, 3)
    small = [count_statements(client, url) for url in PAGES_OVER_EVERY_PRODUCT]
    _products(world.school_a, 3, 57)
    large = [count_statements(client, url) for url in PAGES_OVER_EVERY_PRODUCT]
    assert small == large
    page = client.get("/procurement/").get_data(as_text=True)
    assert "60 products" in page and "Assessment in progress" in page
    for url in PAGES_OVER_EVERY_PRODUCT:
        assert _bulky_columns_read(client, url) == set(), url


def test_the_register_shows_50_products_a_page_with_their_ratings(world, signed_in, monkeypatch):
    set_clock(monkeypatch, NOW)
    client = signed_in(world.user("A", "business_manager"))
    _products(world.school_a, 0, 60)
    first = client.get("/procurement/").get_data(as_text=True)
    assert "60 products" in first and "Showing 1 to 50" in first
    assert "Product 049" in first and "Product 050" not in first
    assert 'href="/procurement/?page=2"' in first and 'aria-label="Pages of products"' in first
    second = client.get("/procurement/?page=2").get_data(as_text=True)
    assert "Showing 51 to 60" in second and "Product 050" in second and "Product 049" not in second
    assert second.count("81.5") == 10  # each decided product's score, read for its page only
    past_the_end = client.get("/procurement/?q=prod&page=9").get_data(as_text=True)
    assert "Showing 51 to 60" in past_the_end  # the last page
    assert 'href="/procurement/?page=1&amp;q=prod"' in past_the_end  # the search is kept
