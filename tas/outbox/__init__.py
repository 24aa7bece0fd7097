"""The outbox: every outgoing email is stored first, then delivered once."""

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/emails")
