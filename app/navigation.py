"""The service menu: which sections a user sees, by role."""

from dataclasses import dataclass

from flask import Flask, url_for
from flask_login import current_user

from app.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: str
    prefix: str
    roles: tuple[Role, ...] = ()  # empty: everyone signed in


NAV_ITEMS = (
    NavItem("main.home", "Home", "/home"),
    NavItem("training.my_training", "My training", "/training"),
    NavItem(
        "procurement.vendors", "Edtech products", "/procurement", (Role.BUSINESS_MANAGER, Role.DPO)
    ),
    NavItem(
        "oversight.dashboard",
        "Compliance",
        "/oversight",
        (Role.DPO, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN),
    ),
    NavItem("transparency.dashboard", "Families", "/families", (Role.DPO, Role.SCHOOL_ADMIN)),
    NavItem("admin.staff", "Staff", "/admin", (Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)),
)


def navigation_items() -> list[dict]:
    return [
        {"href": url_for(item.endpoint), "text": item.text, "prefix": item.prefix}
        for item in NAV_ITEMS
        if not item.roles or current_user.has_role(*item.roles)
    ]


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
