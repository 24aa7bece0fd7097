"""A child's level of need: its history, step changes, referrals to the IFD and decisions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("levels", __name__, url_prefix="/children/<int:child_id>")
