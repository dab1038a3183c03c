"""HTML for Jupyter: a generation as a grid of its image thumbnails with its facts.

Every piece of text is HTML-escaped, and only http(s) URLs are ever placed in ``src`` or
``href``: prompts and URLs come from the API and must not be able to inject markup or script.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional

COST_ATTRIBUTE = "_api_credit_cost"
"""Set on generations by the SDK that created them: the API reports cost only at creation."""

_BOX = "font-family:system-ui,-apple-system,sans-serif;margin:6px 0;max-width:960px"
_FACTS = "color:#555;font-size:90%;margin:2px 0 6px"
_GRID = "display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:6px"
_IMAGE = "width:100%;height:auto;border-radius:4px;display:block;background:#eee"


def _escape(text: str) -> str:
    import html  # only when a notebook shows a model: `html` costs a first call 1.5 ms

    return html.escape(text, quote=True)


def _text(value: Any) -> str:
    return _escape("" if value is None else str(value))


def _safe_url(url: Any) -> Optional[str]:
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return _escape(url)
    return None


def cost_of(generation: Any) -> Optional[int]:
    cost = getattr(generation, COST_ATTRIBUTE, None)
    if cost is None:
        cost = (getattr(generation, "additional_properties", None) or {}).get("apiCreditCost")
    return cost if isinstance(cost, int) else None


def generation_html(generation: Any) -> str:
    images = [i for i in (generation.generated_images or []) if i is not None]
    width, height = generation.image_width, generation.image_height
    size = f"{_text(width)}&times;{_text(height)}" if width and height else "size unknown"
    cost = cost_of(generation)
    facts = [
        f"<b>{_text(generation.status or 'unknown status')}</b>",
        size,
        f"model <code>{_text(generation.model_id or 'unknown')}</code>",
        _text(f"{cost} credits" if cost is not None else "cost unknown"),
        f"<code>{_text(generation.id)}</code>",
    ]
    tiles: List[str] = []
    for number, image in enumerate(images, 1):
        url = _safe_url(image.url)
        if url is None:
            continue
        alt = _text(f"image {number} of {len(images)}")
        tile = f'<img src="{url}" alt="{alt}" style="{_IMAGE}">'
        video = _safe_url(image.motion_mp4_url)
        if video is not None:
            tile += f'<a href="{video}" target="_blank" rel="noopener">motion (mp4)</a>'
        tiles.append(f'<a href="{url}" target="_blank" rel="noopener">{tile}</a>')
    body = f'<div style="{_GRID}">{"".join(tiles)}</div>' if tiles else "<i>no images yet</i>"
    return (
        f'<div class="leonardo-generation" style="{_BOX}">'
        f'<div style="font-weight:600">{_text(generation.prompt)}</div>'
        f'<div style="{_FACTS}">{" · ".join(facts)}</div>{body}</div>'
    )


def generations_html(generations: Iterable[Any]) -> str:
    items = [g for g in generations if g is not None]
    heading = f'<div style="{_FACTS}">{len(items)} generation{"s" if len(items) != 1 else ""}</div>'
    return heading + "".join(generation_html(g) for g in items)


def response_html(response: Any) -> str:
    """The HTML of an operation's response that holds generations (or a started job)."""
    body = response.object
    if body is None:
        return f"<i>HTTP {_text(response.status_code)}: no body</i>"
    if hasattr(body, "generations_by_pk"):
        found = body.generations_by_pk
        return generation_html(found) if found is not None else "<i>no such generation</i>"
    if hasattr(body, "generations"):
        return generations_html(body.generations or [])
    job = body.sd_generation_job
    if job is None:
        return "<i>no job in the response</i>"
    cost = f" · {_text(job.api_credit_cost)} credits" if job.api_credit_cost is not None else ""
    started = f"generation <code>{_text(job.generation_id)}</code> started{cost}"
    return f'<div style="{_BOX}">{started}</div>'
