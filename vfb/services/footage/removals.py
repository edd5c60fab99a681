"""Removing footage that was decided deleted: the decision's transaction says what is to go
(`remove_later`), and the files go once it is committed (`remove_now`); whatever the object store
could not take then stays listed, and the media workers try it again (`remove_pending`) until it
is gone. A withdrawal or retention is never forgotten because a store was out of reach."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, delete, select

from vfb.errors import StoreUnavailable
from vfb.models import FootageRemoval
from vfb.services.infra.footage_store import MediaStore

logger = logging.getLogger(__name__)


def folder(store: MediaStore, path: Path) -> str:
    """The name of a folder and everything in it, to remove."""
    return store.name_of(path) + "/"


def remove_later(db: Session, names: list[str]) -> None:
    """In the caller's transaction: these files (or folders, named ending `/`) are to go."""
    now = datetime.now(UTC)
    for name in dict.fromkeys(names):
        if db.get(FootageRemoval, name) is None:
            db.add(FootageRemoval(name=name, since=now))


def remove_now(db: Session, store: MediaStore, names: list[str]) -> bool:
    """Remove what `remove_later` listed (committed): True if all of it went; what the object
    store could not take stays listed, for the workers to try again."""
    gone = []
    for name in dict.fromkeys(names):
        try:
            store.remove_named(name)
        except StoreUnavailable:
            break  # the rest would wait for it too: they are tried again later
        except OSError as error:  # a file that would not go here: tried again later
            logger.warning("footage %s could not be removed yet: %s", name, error.strerror)
            continue
        gone.append(name)
    if gone:
        db.exec(delete(FootageRemoval).where(col(FootageRemoval.name).in_(gone)))
        db.commit()
    return len(gone) == len(dict.fromkeys(names))


def remove_pending(db: Session, store: MediaStore) -> int:
    """Try again every removal still listed; how many are still waiting after."""
    names = list(db.exec(select(FootageRemoval.name).order_by(col(FootageRemoval.since))).all())
    if not names:
        return 0
    if not remove_now(db, store, names):
        left = db.exec(select(FootageRemoval.name)).all()
        logger.warning("%d footage removal(s) wait for the footage store", len(left))
        return len(left)
    return 0
