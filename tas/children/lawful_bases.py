"""The list of lawful bases and conditions for sharing, kept by a coordinator."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sharing", __name__, url_prefix="/sharing")
