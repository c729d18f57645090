"""Flask-Login wiring: sessions carry the user's epoch, so bumping it (`User.end_all_sessions`)
signs them out everywhere; `hashing()` is the argon2id cost from the config."""

from flask import Flask, current_app
from flask_login import login_user

from app.extensions import login_manager
from app.models import User, db
from app.services.accounts.passwords import PasswordHashing


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def hashing() -> PasswordHashing:
    return PasswordHashing(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def start_session(user: User) -> None:
    login_user(user)
