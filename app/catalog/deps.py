"""Route dependencies: the app's catalog, and a question looked up by the `slug` in the path."""

from typing import Annotated

from fastapi import Depends, Request

from app.catalog import service
from app.catalog.service import Question
from app.db import SessionDep
from app.judge.spec import Catalog


def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def get_question(slug: str, db: SessionDep, catalog: CatalogDep) -> Question:
    return service.find(db, catalog, slug=slug)


ProblemDep = Annotated[Question, Depends(get_question)]
