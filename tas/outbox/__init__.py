"""The outbox: every outgoing email is stored first, then delivered once."""

from flask import Blueprint

bp = Blueprint("emails", __name__, url_prefix="/emails")
