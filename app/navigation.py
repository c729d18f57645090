"""The service menu: which sections a user sees, by role. The home page lists the same
sections with their summaries, so the menu and the home page never disagree."""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from app.models import Role
from app.util.i18n import lazy_gettext


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: str  # lazy_gettext: in the reader's language when shown
    prefix: str
    roles: tuple[Role, ...] = ()  # empty: everyone signed in
    summary: str | None = None  # what the home page says about the section


NAV_ITEMS = (
    NavItem("main.home", lazy_gettext("Home"), "/home"),
    NavItem(
        "training.my_training",
        lazy_gettext("My training"),
        "/training",
        summary=lazy_gettext("Your data-protection modules, certificates and CPD record."),
    ),
    NavItem(
        "policies.index",
        lazy_gettext("Policies"),
        "/policies",
        summary=lazy_gettext(
            "Your school's data protection policies: read and acknowledge each new version."
        ),
    ),
    NavItem(
        "procurement.vendors",
        lazy_gettext("Edtech products"),
        "/procurement",
        (Role.BUSINESS_MANAGER, Role.DPO),
        summary=lazy_gettext(
            "Check edtech products before the school uses them, and record the decision."
        ),
    ),
    NavItem(
        "oversight.dashboard",
        lazy_gettext("Compliance"),
        "/oversight",
        (Role.DPO, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN),
        summary=lazy_gettext(
            "Who has completed which training, what is overdue, and the audit log."
        ),
    ),
    NavItem(
        "oversight.trust",
        lazy_gettext("Trust overview"),
        "/oversight/trust",
        (Role.TRUST_ADMIN,),
        summary=lazy_gettext(
            "Training completion and vendor reviews for every school in your trust."
        ),
    ),
    NavItem(
        "admin.staff",
        lazy_gettext("Staff"),
        "/admin",
        (Role.SCHOOL_ADMIN, Role.TRUST_ADMIN),
        summary=lazy_gettext("Invite staff, change their roles, and manage leavers."),
    ),
    NavItem(
        "transparency.dashboard",
        lazy_gettext("Families"),
        "/families",
        (Role.DPO, Role.SCHOOL_ADMIN),
        summary=lazy_gettext(
            "What families see about the apps the school uses, their objections and "
            "requests, DPIA drafts and the record of processing."
        ),
    ),
)


def navigation_items() -> list[dict]:
    """The user's sections; the one whose prefix matches the page longest is the current one."""
    shown = [item for item in NAV_ITEMS if not item.roles or current_user.has_role(*item.roles)]
    matching = [item for item in shown if request.path.startswith(item.prefix)]
    current = max(matching, key=lambda item: len(item.prefix), default=None)
    return [
        {
            "href": url_for(item.endpoint),
            "text": str(item.text),
            "prefix": item.prefix,
            "summary": str(item.summary) if item.summary else "",
            "active": item is current,
        }
        for item in shown
    ]


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
