"""HTTP for every connector: an on-disk cache with a time-to-live, offline answers from the
cache only, retries with backoff on 429/5xx and network failures, one-line errors.

The cache is requests-cache's SQLite backend in ``<cache dir>/http.sqlite`` (see
:func:`default_cache_dir`). A response is stored only when it is a 200, so an error page is
never replayed. Offline, an expired entry is still served (``stale_if_error``): offline means
"use what I already have"; what is not cached is named in the error.

Each request made through a :class:`Fetcher` is recorded (URL, retrieval time) for the
provenance sidecar.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError

__all__ = ["FetchOptions", "Fetcher", "base_url", "default_cache_dir"]

#: Status codes worth another try: rate limiting and server-side failures.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

#: Environment variable and default base URL of each source (mirrors and tests point elsewhere).
BASE_URLS: dict[str, tuple[str, str]] = {
    "worldbank": ("INNOVINDEX_WORLDBANK_URL", "https://api.worldbank.org/v2"),
    "oecd": ("INNOVINDEX_OECD_URL", "https://sdmx.oecd.org/public/rest"),
    "eurostat": (
        "INNOVINDEX_EUROSTAT_URL",
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1",
    ),
    "uis": ("INNOVINDEX_UIS_URL", "https://api.uis.unesco.org/api/public"),
}

#: Query parameters: a mapping, or pairs when a key repeats (``indicator=A&indicator=B``).
Params = dict[str, str] | list[tuple[str, str]]

T = TypeVar("T")

# Module-level so tests can replace it and not wait for the backoff.
_sleep = time.sleep


def base_url(source: str) -> str:
    """The base URL of ``source``: its environment variable when set, else the public service."""
    env, default = BASE_URLS[source]
    return (os.environ.get(env) or default).rstrip("/")


def default_cache_dir() -> Path:
    """``$INNOVINDEX_CACHE/http`` or the XDG user cache (``~/.cache/innovindex/http``)."""
    env = os.environ.get("INNOVINDEX_CACHE")
    if env:
        return Path(env) / "http"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "innovindex" / "http"


@dataclass(frozen=True)
class FetchOptions:
    """How requests are made.

    Parameters
    ----------
    cache_dir
        Folder of the response cache; None = :func:`default_cache_dir`.
    ttl
        Seconds a cached response stays fresh (default one day). 0 refetches every time
        online; the answer is still kept for offline use.
    offline
        Answer from the cache only; a request that is not cached is an error naming it.
    timeout
        Seconds to wait for a server before giving up on one attempt.
    retries
        Further attempts after a 429/5xx, a timeout or a connection failure.
    backoff
        First wait in seconds; doubled after each failed attempt (a ``Retry-After`` header
        of a 429/503 is honoured up to 60 s).
    """

    cache_dir: Path | None = None
    ttl: float = 86400.0
    offline: bool = False
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0


@dataclass
class Fetcher:
    """A cached HTTP session for one command, recording what it fetched.

    Use :meth:`get`; read :attr:`log` for provenance.
    """

    source: str
    options: FetchOptions = field(default_factory=FetchOptions)
    log: list[dict[str, Any]] = field(default_factory=list)
    _session: Any = None

    def _open(self) -> Any:
        if self._session is None:
            try:
                import requests_cache
            except ImportError:  # pragma: no cover - part of the 'sources' extra
                raise InputError(
                    "fetching data needs requests-cache: pip install 'innovindex[sources]'"
                ) from None
            folder = self.options.cache_dir or default_cache_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(
                    f"cannot create the cache folder: {exc.strerror}", file=folder
                ) from None
            self._session = requests_cache.CachedSession(
                str(folder / "http.sqlite"),
                backend="sqlite",
                # ttl 0: refetch every time online (force_refresh below), but keep the
                # answer for --offline; requests-cache would not store it with 0.
                expire_after=self.options.ttl if self.options.ttl > 0 else -1,
                allowable_codes=(200,),
                allowable_methods=("GET",),
                stale_if_error=self.options.offline,
            )
        return self._session

    def close(self) -> None:
        """Close the cache database."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def get(
        self,
        url: str,
        params: Params | None = None,
        *,
        what: str,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> Any:
        """GET ``url`` through the cache and return the response (status in ``ok``).

        Parameters
        ----------
        what
            Names the request in error messages ("worldbank indicator SP.POP.TOTL page 2").
        ok
            Statuses handed back to the caller (a source may answer 404 for "no data").

        Raises
        ------
        InputError
            Offline and not cached; or still failing after the retries; or another status.
        """
        import sqlite3

        try:
            return self._get(url, params, what=what, headers=headers, ok=ok)
        except sqlite3.Error as exc:
            folder = self.options.cache_dir or default_cache_dir()
            raise InputError(
                f"the response cache cannot be used ({exc}); delete it or pass another --cache-dir",
                file=folder / "http.sqlite",
            ) from None

    def _get(
        self,
        url: str,
        params: Params | None,
        *,
        what: str,
        headers: dict[str, str] | None,
        ok: tuple[int, ...],
    ) -> Any:
        import requests

        session = self._open()
        if self.options.offline:
            resp = session.get(url, params=params, headers=headers, only_if_cached=True)
            if resp.status_code == 504 and not getattr(resp, "content", b""):
                shown = _full_url(url, params)
                raise InputError(
                    f"offline and not in the cache: {self.source} {what} ({shown}); "
                    "run the same command once online, or check --cache-dir"
                )
            return self._record(resp, url, params, what, ok)
        attempts = 1 + max(0, self.options.retries)
        last = ""
        for i in range(attempts):
            try:
                resp = session.get(
                    url,
                    params=params,
                    headers=headers,
                    timeout=self.options.timeout,
                    force_refresh=self.options.ttl <= 0,
                )
            except requests.Timeout:
                last = f"timed out after {self.options.timeout:g} s"
            except requests.ConnectionError as exc:
                last = f"connection failed ({_short(exc)})"
            except requests.RequestException as exc:
                raise InputError(f"{self.source} {what}: request failed ({_short(exc)})") from None
            else:
                if resp.status_code not in RETRY_STATUS:
                    return self._record(resp, url, params, what, ok)
                last = f"HTTP {resp.status_code}"
                wait = _retry_after(resp)
                if wait is not None and i + 1 < attempts:
                    _sleep(min(wait, 60.0))
                    continue
            if i + 1 < attempts:
                _sleep(self.options.backoff * (2**i))
        raise InputError(
            f"{self.source} {what}: {last} from {_full_url(url, params)} "
            f"after {attempts} attempt(s)"
        )

    def get_parsed(
        self,
        url: str,
        params: Params | None,
        parse: Callable[[Any], T],
        *,
        what: str,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> T:
        """:meth:`get`, then ``parse(response)``; a body that ``parse`` refuses (InputError)
        is dropped from the cache, so a broken answer is never replayed."""
        resp = self.get(url, params, what=what, headers=headers, ok=ok)
        try:
            return parse(resp)
        except InputError:
            self._forget(resp)
            raise

    def _forget(self, resp: Any) -> None:
        key = getattr(resp, "cache_key", None)
        if key and self._session is not None:
            self._session.cache.delete(key)

    def _record(
        self, resp: Any, url: str, params: Params | None, what: str, ok: tuple[int, ...]
    ) -> Any:
        if resp.status_code not in ok:
            raise InputError(
                f"{self.source} {what}: HTTP {resp.status_code} from {_full_url(url, params)}"
                + _body_hint(resp)
            )
        created = getattr(resp, "created_at", None)
        key = getattr(resp, "cache_key", None)
        if not getattr(resp, "from_cache", True) and key and self._session is not None:
            # A fresh answer: record the time stored with it, so a later replay from the
            # cache writes the same provenance.
            stored = self._session.cache.get_response(key)
            created = getattr(stored, "created_at", created)
        when = created if isinstance(created, datetime) else datetime.now(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        self.log.append(
            {
                "url": _full_url(url, params),
                "retrieved": when.astimezone(UTC).isoformat(timespec="seconds"),
            }
        )
        return resp


def _full_url(url: str, params: Params | None) -> str:
    if not params:
        return url
    from urllib.parse import urlencode

    return f"{url}?{urlencode(params, safe=':;,')}"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] + ("..." if len(text) > 160 else "")


def _body_hint(resp: Any) -> str:
    try:
        text = " ".join(resp.text.split())
    except Exception:  # a body that cannot be decoded says nothing useful
        return ""
    return f": {text[:160]}" if text else ""


def _retry_after(resp: Any) -> float | None:
    value = resp.headers.get("Retry-After") if resp.status_code in (429, 503) else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
