"""Clusters, schools, agencies and people, and the admin screens that manage them."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/admin")
