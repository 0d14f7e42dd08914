"""Helpers for the interview tests."""

from fastapi.testclient import TestClient


def create(api: TestClient, headers: dict[str, str], **overrides: object) -> dict:
    body = {
        "title": "ML engineer screen",
        "problems": ["softmax-cross-entropy", "log-softmax"],
        "duration_s": 1800,
    }
    body.update(overrides)
    resp = api.post("/api/v1/interviews", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def token_of(link: str) -> str:
    return link.rsplit("/i/", 1)[1]
