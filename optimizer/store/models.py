"""Tables of the plan store (SQLAlchemy 2 declarative); the schema itself is made by the Alembic migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Run(Base):
    """One command run: what went in (input_id, settings), how it ended, its key figures and files."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command: Mapped[str] = mapped_column(String(32), index=True)
    input_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    key_figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    submitted: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    outputs: Mapped[list[Output]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                 order_by="Output.name")


class Output(Base):
    """A file a run wrote: where, its size and content hash (to tell two runs' tables apart)."""

    __tablename__ = "outputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    run: Mapped[Run] = relationship(back_populates="outputs")
