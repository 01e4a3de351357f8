"""Reply templates: the configured text for a scenario, in the case's language, filled in."""

from __future__ import annotations

import re
from typing import Any

from earful.config import ReplyTemplate, Settings
from earful.errors import EarfulError

_ORDER = re.compile(r"(?:order|pedido|commande|bestellung|encomenda)?\s*#\s?(\d{4,})|"
                    r"\b(?:order|pedido|commande|bestellung)\s+(?:no\.?\s*)?(\d{5,})\b",
                    re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")


def template(settings: Settings, name: str) -> ReplyTemplate:
    for found in settings.templates:
        if found.name == name:
            return found
    raise EarfulError(f"no reply template {name!r}; templates: "
                      f"{', '.join(t.name for t in settings.templates) or 'none configured'}")


def order_number(texts: list[str]) -> str | None:
    """The order number the customer gave, if any (the latest post first)."""
    for text in reversed(texts):
        found = _ORDER.search(text)
        if found:
            return "#" + (found.group(1) or found.group(2))
    return None


def render(settings: Settings, name: str, case: dict[str, Any], posts: list[dict[str, Any]],
           responder: str) -> tuple[str, str]:
    """The template's text in the case's language (English when it has none) and that
    language."""
    chosen = template(settings, name)
    language = case["language"] if case["language"] in chosen.text else (
        "en" if "en" in chosen.text else next(iter(chosen.text)))
    brand = case["brand"] or ""
    for config in settings.brands:
        if config.name == case["brand"]:
            brand = config.display_name or config.name
    handle = case["author_handle"] or ""
    values = {"name": f"@{handle}" if case["platform"] == "x" and handle else handle,
              "brand": brand, "responder": responder, "case": str(case["id"]),
              "order": order_number([p["text"] for p in posts]) or ""}
    text = chosen.text[language].format(**values)
    return _SPACES.sub(" ", text).replace(" .", ".").replace(" ,", ","), language
