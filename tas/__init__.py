"""TAS Coordinator: Team Around the School meetings and shared child plans."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tas.client import CleanClientAddress


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors and commands."""
    # TAS_INSTANCE_PATH moves instance/ (secret key, SQLite file, outbox) out of the code tree.
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("TAS_INSTANCE_PATH") or None,
    )
    from tas import config

    config.load(app, test_config)
    register_logging(app)
    from tas.web import register_converters

    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_web(app)
    register_commands(app)
    # Inside ProxyFix: the address it takes from X-Forwarded-For is cleaned too (issue 11, 6).
    app.wsgi_app = CleanClientAddress(app.wsgi_app)
    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_X_FOR"],
            x_proto=app.config["PROXY_FIX_X_PROTO"],
        )
    return app


def register_logging(app: Flask) -> None:
    from tas.logs import configure

    configure(app)


def register_extensions(app: Flask) -> None:
    from tas import models  # noqa: F401  (every table, for the app and for migrations)
    from tas.core.database import configure_sqlite
    from tas.core.templating import configure_templates
    from tas.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    configure_templates(app)


def register_blueprints(app: Flask) -> None:
    from tas.blueprints import BLUEPRINTS
    from tas.organisations.users.open_work import count_with
    from tas.work.open_work import held_by

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # The user page shows a person's open work, which the accounts cannot import: the work
    # domain's count is handed to them here (tas/organisations/users/open_work.py).
    count_with(app, held_by)


def register_web(app: Flask) -> None:
    from tas import navigation
    from tas.audit import refusals
    from tas.auth.guard import register_guard
    from tas.outbox.services import register_delivery
    from tas.web import register_banners_in_view, register_errors, register_security_headers

    register_guard(app)
    navigation.register(app)
    register_delivery(app)
    register_security_headers(app)
    register_banners_in_view(app)
    refusals.register(app)
    register_errors(app)


def register_commands(app: Flask) -> None:
    from tas.cli import register

    register(app)
