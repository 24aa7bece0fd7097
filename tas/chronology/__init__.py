"""A child's chronology: significant events from every agency, the merged timeline of all the
service knows, and the cumulative harm they may add up to."""

from flask import Blueprint

bp = Blueprint("chronology", __name__, url_prefix="/children/<int:child_id>/chronology")
