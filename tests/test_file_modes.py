"""Files that hold personal data are the service's own: 0600, in 0700 folders, whatever the
umask (issue 11 section 5), on the real paths that write them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
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


def _other_process(database: Path, sql: str) -> str:
    """Open the database in another process (the scheduler, a backup), run `sql`, close it."""
    script = (
        "import sqlite3, sys\n"
        "connection = sqlite3.connect(sys.argv[1])\n"
        "print(connection.execute(sys.argv[2]).fetchall())\n"
        "connection.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(database), sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.strip()


def test_a_new_connection_leaves_the_other_processes_locks_alone(tmp_path):
    """Making the file private never opens it while this process has it open: closing any
    descriptor of the file drops every lock the process holds on it, and the next process to
    close the database would take this one's write-ahead log away (a disk I/O error on every
    page, and writes the other processes never see)."""
    database = tmp_path / "tas.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        with db.engine.begin() as first:
            first.execute(text("CREATE TABLE t (x INTEGER)"))
        held = db.engine.connect()  # a web worker's connection, kept in the pool
        held.execute(text("SELECT count(*) FROM t")).scalar()
        with db.engine.connect() as second:  # another thread's: a new connection is made
            second.execute(text("SELECT 1"))

        assert _other_process(database, "SELECT count(*) FROM t") == "[(0,)]"

        assert Path(f"{database}-wal").exists()
        with db.engine.begin() as writer:
            writer.execute(text("INSERT INTO t VALUES (1)"))
        assert _other_process(database, "SELECT count(*) FROM t") == "[(1,)]"
        held.close()
        db.engine.dispose()
