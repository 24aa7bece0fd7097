"""The audit log: one function records, nothing changes or deletes."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
