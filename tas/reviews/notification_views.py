"""The notifications page (a person's reminders in the app) and the unread count."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
