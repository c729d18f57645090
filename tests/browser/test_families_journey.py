"""A parent opens the school's public page on a 390 px phone: axe finds nothing, nothing scrolls
sideways, and what the page lists matches the decisions (a rejected or unpublished product never
appears). Then the census notice and the DfE letter, and the DPO's families' pages at 1280 px."""

from playwright.sync_api import expect

from app.models import db
from tests.browser.conftest import check_accessibility, sign_in
from tests.families_helpers import (
    APPROVED,
    CONDITIONAL,
    QUICK,
    REJECTED,
    publish,
    seed_products,
    settings_for,
)

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def test_a_parent_reads_the_public_page_on_a_phone(page, world):
    manager = world.user("A", "business_manager")
    vendors = seed_products(world.school_a, manager)
    settings_for(world.school_a, "school-a-page")
    publish(world.school_a, vendors[APPROVED])
    publish(world.school_a, vendors[CONDITIONAL], storage="elsewhere", storage_detail="USA")
    db.session.commit()

    page.set_viewport_size(PHONE)
    page.goto("/schools/school-a-page/apps")
    expect(page.get_by_role("heading", name="Apps and services we use")).to_be_visible()
    cards = page.locator(".app-product h3")
    expect(cards).to_have_count(2)
    titles = " ".join(cards.all_inner_texts())
    assert APPROVED in titles and CONDITIONAL in titles
    body = page.locator("main").inner_text()
    assert REJECTED not in body and QUICK not in body
    assert manager.display_name not in page.content()
    expect(page.get_by_text("Outside the UK and the EEA: USA")).to_be_visible()
    expect(page.get_by_role("link", name="privacy@a.example")).to_be_visible()
    expect(page.get_by_role("heading", name="Your rights and how to use them")).to_be_visible()
    assert page.locator("nav[aria-label=Menu]").count() == 0
    check_accessibility(page)
    _no_sideways_scroll(page)

    page.get_by_role("link", name="The school census: what goes to the Department").click()
    expect(page.get_by_role("heading", name="Items you may decline")).to_be_visible()
    check_accessibility(page)
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Back to the apps and services").click()
    page.get_by_role("link", name="A letter to object to DfE").click()
    expect(page.get_by_text("Department for Education (B2.28)")).to_be_visible()
    expect(page.get_by_text("Under Article 21(1) of the UK GDPR")).to_be_visible()
    check_accessibility(page)
    _no_sideways_scroll(page)

    # The product is unpublished: on the next visit it has gone.
    notice = publish(world.school_a, vendors[CONDITIONAL])
    notice.published = False
    db.session.commit()
    page.goto("/schools/school-a-page/apps")
    expect(page.locator(".app-product h3")).to_have_count(1)


def test_the_dpo_publishes_a_product_and_records_an_objection(page, world):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    settings_for(world.school_a, "school-a-page")
    sign_in(page, world.user("A", "dpo").email)
    page.goto("/families/")
    check_accessibility(page)
    page.locator("main a", has_text=QUICK).click()
    page.get_by_label("Show this product on the public page").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Before publishing, add").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What the school uses it for").fill("Phonics practice in Reception.")
    page.get_by_label("Public task (UK GDPR Article 6(1)(e))").check()
    page.get_by_label("In the UK", exact=True).check()
    page.get_by_label("How long the data is kept").fill("Until the end of Year 2.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{QUICK}: shown on the public page.")).to_be_visible()

    page.goto("/families/requests/new")
    check_accessibility(page)
    page.get_by_label("An app or service the school uses").check()
    page.get_by_label("App or service", exact=True).select_option(str(vendors[QUICK].id))
    page.get_by_label("Objection", exact=True).check()
    page.get_by_label("Pupil reference").fill("R-0042")
    page.get_by_label("Agreed: an alternative is in place").check()
    page.get_by_label("Alternative offered without detriment").fill("Printed phonics cards")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("recorded.")).to_be_visible()
    expect(page.get_by_text("R-0042")).to_be_visible()
    check_accessibility(page)
