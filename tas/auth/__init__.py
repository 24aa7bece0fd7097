"""Sign-in, sessions, passwords and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
