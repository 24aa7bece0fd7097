"""Actions on shared plans. Their pages sit on the plan's blueprint, under the child; the list
of a person's own actions, which crosses children, has this blueprint of its own."""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")
