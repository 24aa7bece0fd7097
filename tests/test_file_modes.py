"""Files that hold personal data are the service's own: 0600, in 0700 folders, whatever the
umask (issue 11 section 5), on the real paths that write them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from tas import create_app
from tas.extensions import db
from tas.outbox.models import OutboxMessage
from tas.outbox.services import deliver_due, queue


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def permissive_umask(request):
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch) -> Path:
    """An instance folder that does not exist yet, and no other TAS_ settings."""
    for key in list(os.environ):
        if key.startswith("TAS_"):
            monkeypatch.delenv(key)
    folder = tmp_path / "deploy" / "instance"
    monkeypatch.setenv("TAS_INSTANCE_PATH", str(folder))
    return folder


def test_files_with_personal_data_are_private_whatever_the_umask(permissive_umask, fresh_instance):
    app = create_app({"OUTBOX_DIR": str(fresh_instance / "mail" / "outbox")})
    assert _mode(fresh_instance) == 0o700
    assert _mode(fresh_instance / "secret_key") == 0o600
    with app.app_context():
        upgrade()  # creates the SQLite database, as make run does
        queue([("dsl@school.example", "A DSL")], "Meeting booked", "A child's meeting.")
        db.session.commit()
        assert deliver_due() == 1  # no mail server: written as an .eml file
        # While a connection is open, SQLite keeps its write-ahead log and shared memory.
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"
        database = fresh_instance / "tas.sqlite3"
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
        db.session.remove()
        db.engine.dispose()
    outbox = fresh_instance / "mail" / "outbox"
    assert _mode(outbox) == _mode(outbox.parent) == 0o700
    [email] = outbox.iterdir()
    assert email.suffix == ".eml"
    assert _mode(email) == 0o600


def test_a_database_file_made_by_an_older_version_is_made_private(tmp_path, permissive_umask):
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        assert _mode(database) == 0o600
        assert _mode(Path(f"{database}-wal")) == 0o600
        db.session.remove()
        db.engine.dispose()


def test_a_folder_someone_made_for_the_service_is_left_as_they_made_it(tmp_path, monkeypatch):
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)  # noqa: S103  (a folder an administrator shared with a group)
    monkeypatch.setenv("TAS_INSTANCE_PATH", str(folder))
    create_app()
    assert _mode(folder) == 0o750
    assert _mode(folder / "secret_key") == 0o600
