"""What every domain's tables share: the declarative base and the project row.

Times are seconds since the epoch (UTC): they sort and page the same on every backend.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    root: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
