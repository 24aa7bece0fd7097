"""Children, their families, the family's agreement, and decisions to share information."""

from flask import Blueprint

bp = Blueprint("children", __name__, url_prefix="/children")
