"""Levels."""

from flask import Blueprint

bp = Blueprint("levels", __name__, url_prefix="/children/<int:child_id>")
