"""The service menu: which sections a user sees, by role. Unbuilt sections are simply skipped."""

from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: str
    prefix: str
    roles: tuple[str, ...] = ()  # empty: everyone signed in


NAV_ITEMS = (
    NavItem("main.home", "Home", "/home"),
    NavItem("training.my_training", "My training", "/training"),
    NavItem("procurement.vendors", "Edtech products", "/procurement", ("business_manager", "dpo")),
    NavItem(
        "oversight.dashboard", "Compliance", "/oversight", ("dpo", "school_admin", "trust_admin")
    ),
    NavItem("admin.staff", "Staff", "/admin", ("school_admin", "trust_admin")),
)


def navigation_items() -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.endpoint not in current_app.view_functions:
            continue
        if item.roles and not current_user.has_role(*item.roles):
            continue
        items.append({"href": url_for(item.endpoint), "text": item.text, "prefix": item.prefix})
    return items


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
