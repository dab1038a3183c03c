"""The one place secrets are masked.

Every error message and body, every log line and every pickle of a request goes through here:
- the ``Authorization`` value is a :class:`SecretHeaderValue`, sent as is but shown, copied and
  pickled only as the mask, so a pickled error or response (``raw_response.request.headers``)
  never carries the key;
- text from the server (bodies, reason phrases, header values) and from exceptions is scrubbed
  of the token before an error is built from it;
- URLs lose their ``user:password@`` part before they are shown.
"""

from __future__ import annotations

from typing import Any, Iterable, Tuple
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "[REDACTED]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class SecretHeaderValue(str):
    """A header value sent on the wire unchanged, but never shown: ``repr``, ``str``, format,
    ``copy`` and ``pickle`` all give the mask. ``==`` still compares the real value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(self._masked())

    def __str__(self) -> str:
        return self._masked()

    def __format__(self, format_spec: str) -> str:
        return format(self._masked(), format_spec)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (str, (self._masked(),))

    def _masked(self) -> str:
        scheme = str.split(self, " ", 1)[0] if " " in self else ""
        return f"{scheme} {MASK}" if scheme else MASK


def bearer_header(token: str) -> SecretHeaderValue:
    return SecretHeaderValue("Bearer " + token)


class Redactor:
    """Scrubs a request's secrets (the token, a password in the server URL) from text."""

    __slots__ = ("_given",)

    def __init__(self, secrets: Iterable[str]) -> None:
        self._given = tuple(secrets)  # built per call: sorting waits until there is text

    @property
    def _secrets(self) -> Tuple[str, ...]:
        # Longest first, so a secret containing another is masked whole.
        found = {s for s in self._given if s and len(s) >= 4}
        return tuple(sorted(found, key=len, reverse=True))

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def response(self, response: Any) -> Any:
        """Scrub what an error keeps of ``response`` (body, reason, headers), in place: the error
        owns it, and it may be printed, logged or pickled."""
        if not self._secrets:
            return response
        if hasattr(response, "reason_phrase"):
            return self._httpx_response(response)
        consumed: bool = getattr(response, "_content_consumed", False)  # requests sets it
        content = response.content if consumed else b""
        text = content.decode("utf-8", "replace")
        scrubbed = self.text(text)
        if scrubbed != text:
            response._content = scrubbed.encode("utf-8")
        if response.reason:
            response.reason = self.text(str(response.reason))
        response.url = safe_url(response.url or "")
        if response.request is not None and response.request.url:
            response.request.url = safe_url(response.request.url)
        self._scrub_headers(response.headers)
        return response

    def _httpx_response(self, response: Any) -> Any:
        content = getattr(response, "_content", b"")
        text = content.decode("utf-8", "replace")
        scrubbed = self.text(text)
        if scrubbed != text:
            response._content = scrubbed.encode("utf-8")
            response.__dict__.pop("_text", None)  # httpx caches the decoded text
        reason = response.extensions.get("reason_phrase")
        if isinstance(reason, bytes):
            cleaned = self.text(reason.decode("latin-1"))
            response.extensions["reason_phrase"] = cleaned.encode("latin-1", "replace")
        self._scrub_headers(response.headers)
        url = response.request.url
        if "@" in str(url):
            response.request.url = type(url)(safe_url(str(url)))
        return response

    def _scrub_headers(self, headers: Any) -> None:
        for name, value in list(headers.items()):
            if name.lower() in SENSITIVE_HEADERS:
                headers[name] = MASK
            elif isinstance(value, str):
                cleaned = self.text(value)
                if cleaned != value:
                    headers[name] = cleaned


def mask_sent_headers(response: Any) -> None:
    """After an ``httpx`` request is sent, its headers (kept as bytes on ``response.request``
    and on each redirect's) lose their secrets, so a kept or pickled response never carries
    the key. ``requests`` keeps our :class:`SecretHeaderValue`, which masks itself."""
    for answered in (*response.history, response):
        headers = answered.request.headers
        for name in SENSITIVE_HEADERS & {key.lower() for key in headers}:
            value = headers[name]
            scheme = value.split(" ", 1)[0] if " " in value else ""
            headers[name] = f"{scheme} {MASK}" if scheme else MASK


def url_secrets(url: str) -> Tuple[str, ...]:
    """The password (and user:password) a URL carries, to scrub from text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ()
    if parts.password is None:
        return ()
    password = parts.password
    return (password, unquote(password), f"{parts.username}:{password}")


def safe_url(url: str) -> str:
    """``url`` without its ``user:password@`` part, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{MASK}@{host}", parts.path, parts.query, parts.fragment))


def masked_headers(headers: Any) -> dict[str, str]:
    return {
        name: (
            str(value)  # a SecretHeaderValue shows its scheme and the mask
            if isinstance(value, SecretHeaderValue) or name.lower() not in SENSITIVE_HEADERS
            else MASK
        )
        for name, value in headers.items()
    }
