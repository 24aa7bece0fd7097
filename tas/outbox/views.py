"""Emails that could not be delivered, shown to coordinators so nothing is lost unseen."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("emails", __name__, url_prefix="/emails")
