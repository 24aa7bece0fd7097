"""Gp."""

from flask import Blueprint

bp = Blueprint("gp", __name__)
