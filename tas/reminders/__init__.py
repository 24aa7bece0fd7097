"""Reminders."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/notifications")
