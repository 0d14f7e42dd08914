"""Static assets: URLs that change with the content, immutable caching, gzip where it was built.

The front-end build (frontend/build.mjs) writes content-hashed files and a manifest to
app/static/dist; our own scripts and stylesheet in app/static get their content hash in the query
string. Either way a URL names one content forever, so browsers keep it for a year and a repeat
visit fetches nothing; the HTML that names them is never cached.
"""

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.config import ROOT

STATIC = ROOT / "app" / "static"
DIST = STATIC / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=8)
def _manifest(mtime: float) -> dict[str, str]:
    data = json.loads((DIST / "manifest.json").read_text())
    return {str(k): str(v) for k, v in data.items()}


@lru_cache(maxsize=64)
def _digest(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(name: str) -> str | None:
    """The URL of a built asset ("editor.js") or of a file in app/static ("practice.js"), or None
    when it does not exist (the front-end bundle was not built: pages fall back to plain HTML)."""
    manifest_file = DIST / "manifest.json"
    if manifest_file.is_file():
        built = _manifest(manifest_file.stat().st_mtime).get(name)
        if built:
            return f"/static/dist/{built}"
    own = STATIC / name
    if own.is_file() and DIST not in own.parents:
        return f"/static/{name}?v={_digest(own, own.stat().st_mtime)}"
    return None


class AssetFiles(StaticFiles):
    """StaticFiles that serve the prebuilt .gz beside a file to clients that accept gzip, and mark
    content-addressed URLs immutable (everything else must be revalidated)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        headers = Headers(scope=scope)
        response = await super().get_response(path, scope)
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        gz = Path(str(response.path) + ".gz")
        if "gzip" in headers.get("accept-encoding", "") and gz.is_file():
            response = FileResponse(
                gz, media_type=response.media_type, stat_result=os.stat(gz), headers={}
            )
            response.headers["content-encoding"] = "gzip"
        response.headers["vary"] = "Accept-Encoding"
        hashed = path.startswith("dist/") or b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = IMMUTABLE if hashed else "no-cache"
        return response
