"""REST routes for the catalog."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.catalog import service
from app.db import SessionDep
from app.users.deps import ApiUser

router = APIRouter(prefix="/api/v1", tags=["problems"])


class ProblemSummary(BaseModel):
    slug: str
    title: str
    table: str
    category: str
    topic: str
    difficulty: str
    status: str
    acceptance: float | None


@router.get("/problems", response_model=list[ProblemSummary])
def list_problems(db: SessionDep, user: ApiUser) -> list[ProblemSummary]:
    view = service.question_table(db, user=user)
    return [
        ProblemSummary(
            slug=row.slug,
            title=row.title,
            table=table.key,
            category=row.category,
            topic=row.topic,
            difficulty=row.difficulty,
            status=row.status.value,
            acceptance=row.acceptance,
        )
        for table in view.tables
        for row in table.rows
    ]
