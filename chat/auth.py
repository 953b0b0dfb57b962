"""Staff login and logout (session cookie), and the current user for every staff edge."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from chat.i18n import pick_language, texts
from chat.models import User
from chat.web import services

auth = Blueprint("auth", __name__, template_folder="templates")

SESSION_USER_KEY = "user_id"


def current_user_id() -> int | None:
    value = session.get(SESSION_USER_KEY)
    return int(value) if value is not None else None


def _authenticate(username: str, password: str) -> User | None:
    with services().db.read() as db:
        user = db.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        return None
    return user


@auth.get("/login")
def login_form() -> str:
    language = pick_language(request.args.get("lang"), request.accept_languages.best_match(["sv", "en"]))
    return render_template("login.html", t=texts(language), error=None, next=request.args.get("next", ""))


@auth.post("/login")
def login() -> Any:
    wants_json = request.is_json
    data = (request.get_json(silent=True) or {}) if wants_json else request.form
    username = str(data.get("username", ""))[:64]
    user = _authenticate(username, str(data.get("password", ""))[:256])
    language = pick_language(request.args.get("lang"), request.accept_languages.best_match(["sv", "en"]))
    if user is None:
        if wants_json:
            return jsonify(error={"code": "unauthorized", "message": "Wrong username or password."}), 401
        page = render_template("login.html", t=texts(language), error=texts(language)["wrong_login"],
                               next=data.get("next", ""))
        return page, 401
    session.clear()
    session[SESSION_USER_KEY] = user.id
    session.permanent = True
    if wants_json:
        return jsonify(user={"id": user.id, "username": user.username, "role": user.role.value})
    target = str(data.get("next") or "/workspace")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/workspace")


@auth.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    session.clear()
    return redirect(url_for("auth.login_form"))
