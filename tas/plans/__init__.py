"""The shared child plan: agency involvements, outcomes, actions and GP notifications."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/children/<int:child_id>")
