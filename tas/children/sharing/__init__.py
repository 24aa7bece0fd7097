"""Sharing."""

from flask import Blueprint

bp = Blueprint("sharing", __name__, url_prefix="/sharing")
