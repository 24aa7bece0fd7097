"""The requests blueprint: TAS requests and their triage (/requests)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("requests", __name__, url_prefix="/requests")


def requests():
    return render_template("meetings/requests/requests.html", title="TAS requests")


bp.add_url_rule("", view_func=requests, endpoint="requests")
