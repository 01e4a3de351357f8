"""Run the repository config's X source against the recorded X API responses.

The SIGKILL test in ``test_source_x.py`` runs this in a child process:
``python -m tests.x_kill_helper DB [--pause]``. With ``--pause`` the second page of the first
stream is served only after a long wait, so the test can kill the process once the first page
is stored. It also holds the recording helpers the tests share.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import responses
from requests import PreparedRequest
from tenacity import wait_none

from earful.config import load_config
from earful.store import Store
from listener.pipeline import Pipeline
from listener.sources.x import XSource

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "x_http"
RECENT = "https://api.twitter.com/2/tweets/search/recent"
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)  # just after the recordings' newest first page
# The repository config's X queries, as X search receives them, and what X answered.
ANSWERS = {
    "@kestrelgoods OR @kestrelhelp OR #kestrelgoods": ("recent_kestrel_p1.json",
                                                       "recent_kestrel_p2.json"),
    "@troviashop": ("recent_trovia.json",),
    "@nimbusmarket": ("recent_empty.json",),
}


def recording(name: str) -> dict[str, Any]:
    """One recorded response: ``status``, ``headers`` and the JSON ``body``."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def recorded_response(name: str) -> responses.Response:
    record = recording(name)
    return responses.Response("GET", record["request"]["url"], json=record["body"],
                              status=record["status"], headers=record["headers"])


def search_server(pause: float = 0.0) -> responses.CallbackResponse:
    """Recent search answering each query from ANSWERS: the first page, or (asked with a
    ``next_token`` or ``until_id``) the next one, after ``pause`` seconds."""

    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = request.params  # type: ignore[attr-defined]  # set by responses
        pages = ANSWERS[params["query"]]
        later = "next_token" in params or "until_id" in params
        if later:
            time.sleep(pause)
        record = recording(pages[1] if later else pages[0])
        return record["status"], record["headers"], json.dumps(record["body"])

    return responses.CallbackResponse("GET", RECENT, callback=answer,
                                      content_type="application/json")


def main(db: str, pause: bool) -> None:
    settings = load_config(ROOT / "config.toml")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock, \
            Store(db) as store, Pipeline(settings, store, workers=1) as pipeline:
        mock.add(search_server(pause=600.0 if pause else 0.0))
        # Only the search stream: the recorded server answers searches, not member timelines.
        config = settings.sources["x"].model_copy(update={"panels": []})
        source = XSource("x", config, settings, now=lambda: NOW, wait=wait_none())
        pipeline.run_source(source)


if __name__ == "__main__":
    main(sys.argv[1], "--pause" in sys.argv[2:])
