"""REST routes about the caller."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from app.api_errors import ERROR_RESPONSES
from app.users.deps import ApiUser

router = APIRouter(prefix="/api/v1", tags=["account"], responses=ERROR_RESPONSES)


class MeOut(BaseModel):
    id: int
    username: str
    role: str
    created_at: datetime


@router.get("/me", response_model=MeOut)
def me(user: ApiUser) -> MeOut:
    return MeOut(id=user.id, username=user.username, role=user.role, created_at=user.created_at)
