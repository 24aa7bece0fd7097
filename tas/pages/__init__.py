"""Home, information pages and the health check."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
