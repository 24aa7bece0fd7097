"""tas.plans.models.OutcomeProgress kept in step with the scores: after every flush that adds,
changes or removes scores (OutcomeScore objects, the way the services write them), their
outcomes' periods of progress are worked out again in the database, in the same transaction
and one statement (window functions, on SQLite and PostgreSQL alike). A bulk statement on the
scores passes the session's objects by: its caller calls `rebuild` (tas.benchmark does), and
tests/flags/test_progress_flags.py fails on one anywhere else."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    null,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tas.plans.models import Outcome, OutcomeProgress, OutcomeScore

COLUMNS = ("outcome_id", "plan_id", "from_on", "until_on")
NOTED = "outcomes_with_scores_changed"  # in the session's info, from before a flush to after


def periods(outcome_ids: list[int] | None) -> Select:
    """The periods of progress of these outcomes (None: of every outcome): each score with a
    higher score after it is the baseline from its day (the first score: from any day before
    it) until the next score's day. The same statement as migration 0023's."""
    order = (OutcomeScore.scored_on, OutcomeScore.id)
    scores = select(
        OutcomeScore.outcome_id,
        Outcome.plan_id,
        OutcomeScore.scored_on,
        OutcomeScore.score,
        func.row_number()
        .over(partition_by=OutcomeScore.outcome_id, order_by=order)
        .label("position"),
        func.lead(OutcomeScore.scored_on)
        .over(partition_by=OutcomeScore.outcome_id, order_by=order)
        .label("next_on"),
        func.max(OutcomeScore.score)
        .over(partition_by=OutcomeScore.outcome_id, order_by=order, rows=(1, None))
        .label("best_after"),
    ).join(Outcome, Outcome.id == OutcomeScore.outcome_id)
    if outcome_ids is not None:
        scores = scores.where(OutcomeScore.outcome_id.in_(outcome_ids))
    scores = scores.subquery()
    first = scores.c.position == 1
    return select(
        scores.c.outcome_id,
        scores.c.plan_id,
        case((first, null()), else_=scores.c.scored_on),
        scores.c.next_on,
    ).where(
        scores.c.best_after > scores.c.score,
        # A later score on the same day is the baseline of that day, never this one.
        or_(first, scores.c.next_on > scores.c.scored_on),
    )


def rebuild(connection: Connection, outcome_ids: list[int] | None = None) -> None:
    """Work the periods of these outcomes (None: every outcome) out again."""
    gone = delete(OutcomeProgress)
    if outcome_ids is not None:
        gone = gone.where(OutcomeProgress.outcome_id.in_(outcome_ids))
    connection.execute(gone)
    connection.execute(insert(OutcomeProgress).from_select(COLUMNS, periods(outcome_ids)))


def improved_on(plan_id: ColumnElement[int], day: ColumnElement) -> ColumnElement[bool]:
    """The plan has an outcome whose baseline on `day` has a higher score after it: an indexed
    question, whatever the number of scores."""
    return (
        select(OutcomeProgress.id)
        .where(
            OutcomeProgress.plan_id == plan_id,
            OutcomeProgress.until_on > day,
            or_(OutcomeProgress.from_on.is_(None), OutcomeProgress.from_on <= day),
        )
        .exists()
    )


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    """The outcomes whose scores are being changed or removed, read before the flush (a
    removed score may not be readable after it; a moved one names its old outcome here)."""
    noted = session.info.setdefault(NOTED, set())
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, OutcomeScore):
            history = inspect(row).attrs.outcome_id.history
            noted.update(value for value in history.sum() if value is not None)
            noted.add(row.outcome_id)  # read now, while the row is still there


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context) -> None:
    """After a flush that wrote scores, their outcomes' periods, in the same transaction. On
    PostgreSQL the outcomes are locked first, so two transactions scoring one outcome at once
    work it out one after the other, the second seeing the first's score."""
    changed = session.info.pop(NOTED, set())
    changed.update(
        row.outcome_id
        for row in session.new
        if isinstance(row, OutcomeScore) and row.outcome_id is not None
    )
    if not changed:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            select(Outcome.id)
            .where(Outcome.id.in_(sorted(changed)))
            .order_by(Outcome.id)
            .with_for_update()
        )
    rebuild(connection, sorted(changed))
