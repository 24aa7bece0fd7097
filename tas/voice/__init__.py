"""The voice of the child: what a child said or showed, and a concern's same-day response."""

from flask import Blueprint

bp = Blueprint("voice", __name__, url_prefix="/children/<int:child_id>/voice")
