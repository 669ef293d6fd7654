"""The unit of work: owns one Session and the commit; repositories never commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker


class UnitOfWork:
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class UnitOfWorkFactory:
    """Makes fresh units of work; each thread or job creates its own."""

    def __init__(self, write: sessionmaker[Session], read: sessionmaker[Session]) -> None:
        self._write = write
        self._read = read

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._write)

    def read(self) -> UnitOfWork:
        """A unit of work for queries only; it never takes the write lock."""
        return UnitOfWork(self._read)


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction_caches(session: Session, transaction: SessionTransaction) -> None:
    """Per-transaction caches (chain head, counters, settings) die with their transaction.

    Another process may write between two transactions of one session, so a
    cached audit head or number counter must be read again under the new lock.
    """
    if transaction.parent is None:
        for key in [k for k in session.info if isinstance(k, str) and k.startswith("counterfoil.")]:
            del session.info[key]
