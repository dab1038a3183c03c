"""HTML for Jupyter: a generation as a grid of its image thumbnails with its facts.

Every piece of text is HTML-escaped, and only http(s) URLs are ever placed in ``src`` or
``href``: prompts and URLs come from the API and must not be able to inject markup or script.
The one exception is an embedded thumbnail's ``src``: a ``data:`` URI the SDK built itself, of
a PNG, JPEG, GIF or WebP recognised by its bytes (``_download.EMBEDDABLE_MEDIA``), never SVG or
HTML.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

if TYPE_CHECKING:
    from ._pipeline import TimeoutArg
    from ._retry import RetriesArg
    from ._steps import Steps

COST_ATTRIBUTE = "_api_credit_cost"
"""Set on generations by the SDK that created them: the API reports cost only at creation."""

_BOX = "font-family:system-ui,-apple-system,sans-serif;margin:6px 0;max-width:960px"
_FACTS = "color:#555;font-size:90%;margin:2px 0 6px"
_GRID = "display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:6px"
_IMAGE = "width:100%;height:auto;border-radius:4px;display:block;background:#eee"
_PLACEHOLDER = (
    "display:flex;align-items:center;justify-content:center;text-align:center;padding:8px;"
    "box-sizing:border-box;border-radius:4px;background:#f3e8e8;color:#7a2b2b;font-size:85%"
)
_NOTE = "color:#777;font-size:80%;margin-top:2px"

EMBED_MAX_BYTES = 256 * 1024
"""The default cap on one embedded image: a notebook stays a file one can open and commit."""
DOWNSCALE_SOURCE_BYTES = 32 * 1024 * 1024
"""With Pillow, images up to this size are fetched to be downscaled; larger ones are linked."""
DOWNSCALE_MAX_PIXELS = 64_000_000
DOWNSCALE_SIDES = (768, 512, 384, 256)
"""Longest sides tried, in turn, for a downscaled copy: 768 px is sharp in a grid tile."""


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


class Thumbnail(NamedTuple):
    """How an embedded display shows one image: from ``src`` (a ``data:`` URI, or the image's
    own URL, escaped, when it could not be embedded) or, without one, as a placeholder;
    ``note`` says how it differs from an embedded copy of the original."""

    src: Optional[str]
    note: Optional[str] = None
    embedded: bool = False


def _images(generation: Any) -> List[Any]:
    return [i for i in (generation.generated_images or []) if i is not None]


def _aspect_ratio(generation: Any) -> str:
    width, height = generation.image_width, generation.image_height
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return f"{width}/{height}"
    return "1/1"


def _embedded_tile(image: Any, alt: str, thumbnail: Thumbnail, aspect_ratio: str) -> str:
    url = _safe_url(image.url)
    if thumbnail.src is None:
        shown = (
            f'<div role="img" aria-label="{alt}" '
            f'style="{_PLACEHOLDER};aspect-ratio:{aspect_ratio}">{_text(thumbnail.note)}</div>'
        )
        if url is not None:
            shown += f'<a href="{url}" target="_blank" rel="noopener">original URL</a>'
        return f"<div>{shown}</div>"
    picture = f'<img src="{thumbnail.src}" alt="{alt}" style="{_IMAGE}">'
    if url is not None:
        picture = f'<a href="{url}" target="_blank" rel="noopener">{picture}</a>'
    video = _safe_url(image.motion_mp4_url)
    if video is not None:
        picture += f'<a href="{video}" target="_blank" rel="noopener">motion (mp4)</a>'
    if thumbnail.note:
        picture += f'<div style="{_NOTE}">{_text(thumbnail.note)}</div>'
    return f"<div>{picture}</div>"


def generation_html(generation: Any, thumbnails: Optional[Sequence[Thumbnail]] = None) -> str:
    """The generation's HTML: its images linked by URL, or with ``thumbnails`` (one per image
    that is not ``None``, in order) as an embedded display shows them."""
    images = _images(generation)
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
        if thumbnails is not None:
            alt = _text(f"image {number} of {len(images)}")
            aspect_ratio = _aspect_ratio(generation)
            tiles.append(_embedded_tile(image, alt, thumbnails[number - 1], aspect_ratio))
            continue
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


def _heading(count: int) -> str:
    return f'<div style="{_FACTS}">{count} generation{"s" if count != 1 else ""}</div>'


def generations_html(generations: Iterable[Any]) -> str:
    items = [g for g in generations if g is not None]
    return _heading(len(items)) + "".join(generation_html(g) for g in items)


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


class GenerationDisplay:
    """Generations ready to show in Jupyter, as ``Generation.display`` builds them.

    A cell ending in one shows ``html``; ``embedded``, ``linked`` and ``failed`` count the
    images shown from ``data:`` URIs inside the HTML, from their URLs, and as placeholders.
    """

    __slots__ = ("_listing", "embedded", "failed", "html", "ids", "linked")

    def __init__(
        self,
        html: str,
        ids: Sequence[Optional[str]],
        embedded: int,
        linked: int,
        failed: int,
        *,
        listing: bool = False,
    ) -> None:
        self.html = html
        self.ids = tuple(ids)
        self.embedded = embedded
        self.linked = linked
        self.failed = failed
        self._listing = listing

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        shown = ", ".join(str(i) for i in self.ids[:3]) + (", ..." if len(self.ids) > 3 else "")
        if self._listing:
            count = len(self.ids)
            what = f"{count} generation{'s' if count != 1 else ''}" + (
                f" ({shown})" if count else ""
            )
        else:
            what = f"generation {shown}"
        return (
            f"<GenerationDisplay of {what}: {self.embedded} images embedded, "
            f"{self.linked} linked, {self.failed} not shown; {_size(len(self.html))} of HTML>"
        )


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


def display_steps(
    pipeline: Any,
    existing: Callable[[str], Steps[Any]],
    fetch: Callable[..., Any],
    subject: Any,
    *,
    embed: bool,
    max_embed_bytes: int,
    timeout: TimeoutArg,
    retries: RetriesArg,
) -> Steps[GenerationDisplay]:
    """The steps of ``Generation.display`` (``_steps``): ``existing(id)`` reads a generation
    given by its id, ``fetch`` is ``fetch_images`` (or its async twin) for the embedded
    thumbnails."""
    from .models import errors

    if not isinstance(embed, bool):
        raise errors.RequestValidationError(f"embed must be True or False, not {embed!r}")
    if isinstance(max_embed_bytes, bool) or not isinstance(max_embed_bytes, int):
        raise errors.RequestValidationError(
            f"max_embed_bytes must be a positive int (bytes per image), not {max_embed_bytes!r}"
        )
    if max_embed_bytes < 1:
        raise errors.RequestValidationError(
            f"max_embed_bytes must be a positive int (bytes per image), not {max_embed_bytes!r}"
        )
    generations, listing = yield from _subject(existing, subject)
    ids = [getattr(g, "id", None) for g in generations]
    if not embed:
        linked = sum(1 for g in generations for i in _images(g) if _safe_url(i.url) is not None)
        html = generations_html(generations) if listing else generation_html(generations[0])
        return GenerationDisplay(html, ids, 0, linked, 0, listing=listing)
    thumbnails = yield from _thumbnails(
        pipeline, fetch, generations, max_embed_bytes, timeout, retries
    )
    parts = [generation_html(g, t) for g, t in zip(generations, thumbnails)]
    html = (_heading(len(parts)) if listing else "") + "".join(parts)
    shown = [t for group in thumbnails for t in group]
    embedded = sum(1 for t in shown if t.embedded)
    failed = sum(1 for t in shown if t.src is None)
    linked = len(shown) - embedded - failed
    return GenerationDisplay(html, ids, embedded, linked, failed, listing=listing)


def _subject(existing: Callable[[str], Steps[Any]], subject: Any) -> Steps[Tuple[List[Any], bool]]:
    """The generations to show, and whether they are a list (shown with a count)."""
    from .models import errors

    if isinstance(subject, str):
        return [(yield from existing(subject))], False
    if _is_generation(subject):
        return [subject], False
    body = getattr(subject, "object", None) if hasattr(subject, "status_code") else None
    if body is not None and hasattr(body, "generations_by_pk"):
        if body.generations_by_pk is None:
            raise errors.NotFoundError("the response holds no generation")
        return [body.generations_by_pk], False
    if body is not None and hasattr(body, "generations"):
        return [g for g in body.generations or [] if g is not None], True
    if isinstance(subject, (list, tuple)) and all(_is_generation(g) for g in subject):
        return list(subject), True
    raise errors.RequestValidationError(
        "display() takes a generation id (str), a generation, a list of generations, or the "
        "response of get_generation_by_id or get_generations_by_user_id, "
        f"not {type(subject).__name__}"
    )


def _is_generation(value: Any) -> bool:
    return (
        not isinstance(value, (str, bytes))
        and hasattr(value, "generated_images")
        and hasattr(value, "prompt")
    )


def _thumbnails(
    pipeline: Any,
    fetch: Callable[..., Any],
    generations: Sequence[Any],
    max_embed_bytes: int,
    timeout: TimeoutArg,
    retries: RetriesArg,
) -> Steps[List[List[Thumbnail]]]:
    """One ``Thumbnail`` per image of each generation; every image is fetched at once."""
    from ._download import TooLargeToRead

    image_module = _pillow()
    if image_module is None:
        fetch_limit = min(max_embed_bytes, pipeline.max_download_bytes)
    else:
        fetch_limit = min(max(DOWNSCALE_SOURCE_BYTES, max_embed_bytes), pipeline.max_download_bytes)
    urls = [i.url for g in generations for i in _images(g) if _safe_url(i.url) is not None]
    outcomes: List[Union[Tuple[bytes, str], Exception]] = yield fetch(
        pipeline, urls, fetch_limit, timeout, retries
    )
    fetched = iter(outcomes)
    cap = _size(max_embed_bytes)
    result: List[List[Thumbnail]] = []
    for generation in generations:
        group: List[Thumbnail] = []
        for image in _images(generation):
            linked = _safe_url(image.url)
            if linked is None:
                group.append(Thumbnail(None, "not shown: not an http(s) image URL"))
                continue
            outcome = next(fetched)
            if isinstance(outcome, TooLargeToRead):
                why = (
                    f"larger than {cap}; install Pillow to embed a smaller copy"
                    if image_module is None
                    else f"larger than {_size(outcome.limit)}"
                )
                group.append(Thumbnail(linked, f"linked, not embedded: {why}"))
            elif isinstance(outcome, Exception):
                group.append(Thumbnail(None, f"could not be embedded: {_shortened(outcome)}"))
            else:
                group.append(_fitted(image_module, *outcome, max_embed_bytes, linked, cap))
        result.append(group)
    return result


def _shortened(error: Exception, limit: int = 300) -> str:
    text = str(error)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _fitted(
    image_module: Any, data: bytes, media_type: str, cap_bytes: int, linked: str, cap: str
) -> Thumbnail:
    """The thumbnail for a fetched image: itself if it fits the cap, else a downscaled copy,
    else its link."""
    if len(data) <= cap_bytes:
        return Thumbnail(_data_uri(media_type, data), None, True)
    smaller = _downscaled(image_module, data, cap_bytes)
    if smaller is None:
        reason = f"{_size(len(data))} is over the {cap} embed cap"
        return Thumbnail(linked, f"linked, not embedded: {reason} and could not be downscaled")
    small, small_type, (width, height) = smaller
    note = f"a {width}\u00d7{height} copy, downscaled to fit the {cap} embed cap"
    return Thumbnail(_data_uri(small_type, small), note, True)


def _data_uri(media_type: str, data: bytes) -> str:
    import base64

    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _pillow() -> Any:
    """Pillow's ``Image`` module when it is installed: the SDK does not depend on it."""
    import importlib

    try:
        return importlib.import_module("PIL.Image")  # by name: no type stubs are needed
    except ImportError:
        return None


def _downscaled(
    image_module: Any, data: bytes, cap_bytes: int
) -> Optional[Tuple[bytes, str, Tuple[int, int]]]:
    """A smaller PNG (where the image has transparency) or JPEG of ``data`` that fits
    ``cap_bytes``, with its media type and size; ``None`` without Pillow or when none fits."""
    if image_module is None:
        return None
    import io

    try:
        with image_module.open(io.BytesIO(data)) as source:
            if source.width * source.height > DOWNSCALE_MAX_PIXELS:
                return None  # a decompression bomb, or more than a thumbnail is worth
            source.draft("RGB", (DOWNSCALE_SIDES[0], DOWNSCALE_SIDES[0]))  # JPEG decodes small
            alpha = source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info
            frame = source.convert("RGBA" if alpha else "RGB")
        for side in DOWNSCALE_SIDES:
            copy = frame.copy()
            copy.thumbnail((side, side))
            out = io.BytesIO()
            if alpha:
                copy.save(out, "PNG", optimize=True)
            else:
                copy.save(out, "JPEG", quality=85)
            if out.tell() <= cap_bytes:
                return out.getvalue(), "image/png" if alpha else "image/jpeg", copy.size
    except Exception:  # any undecodable image: Pillow raises many kinds; it is then linked
        return None
    return None
