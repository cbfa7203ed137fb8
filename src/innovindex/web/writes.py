"""The REST API's write endpoints: upload files and build, or import published results.

Security, in order: a bearer token from configuration (``INNOVINDEX_TOKEN``) must be set, or
every write is refused (403); a request without the right token gets 401. Request bodies over
the configured size are refused with 413 before they are parsed (see :mod:`.app`). Uploaded
files are written under fixed names in a fresh temporary folder, whatever the client calls
them, so no request can name a path; the framework is a built-in name only. What comes back
and what is recorded names each file as the client sent it (``data.csv``), never the
server's temporary path (:class:`_Uploads`). A build runs
completely in memory first and is recorded in one transaction, so a failed build leaves the
store as it was. Engine errors (bad data, bad pipeline) come back as 422 with their one line.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import replace
from pathlib import Path as FsPath
from types import TracebackType
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status

from ..errors import InnovindexError, InputError
from ..report.reader import StoreReader
from . import schemas
from .routes import reader

router = APIRouter(prefix="/api", tags=["writes"])

_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": schemas.Error, "description": "missing or wrong bearer token"},
    403: {"model": schemas.Error, "description": "writes are disabled (no token configured)"},
    413: {"model": schemas.Error, "description": "upload too large"},
    422: {"model": schemas.Error, "description": "invalid upload (the engine's one-line message)"},
}

_TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
_YAML_SUFFIXES = (".yaml", ".yml")
CHUNK = 1 << 16


def require_token(request: Request) -> None:
    """Refuse a write unless a token is configured and the request carries it."""
    expected: str | None = request.app.state.token
    if not expected:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "writes are disabled: set INNOVINDEX_TOKEN for the server to accept them",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"), expected.encode("utf-8")
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a bearer token is required: Authorization: Bearer <INNOVINDEX_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _save(
    upload: UploadFile, folder: FsPath, stem: str, allowed: tuple[str, ...], limit: int
) -> FsPath:
    """Copy an upload to ``folder/stem<suffix>`` (the client's file name is only used for its
    suffix, which must be one of ``allowed``); 413 past ``limit`` bytes."""
    suffix = FsPath(upload.filename or "").suffix.lower()
    if suffix not in allowed:
        raise InputError(
            f"expected a {' / '.join(allowed)} file, got {upload.filename!r}", file=stem
        )
    target = folder / f"{stem}{suffix}"
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise HTTPException(
                    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"{stem} upload is over {limit} bytes"
                )
            out.write(chunk)
    if size == 0:
        raise InputError("the uploaded file is empty", file=upload.filename or stem)
    return target


class _Uploads:
    """The uploads of one request, saved in a fresh temporary folder deleted on exit.

    The engine names the files it reads in its messages and records; here they are temporary
    paths, which must not reach the client or the store. :meth:`public` turns any text into
    the client's view (each saved path becomes the file name the client sent), and an
    :class:`~innovindex.errors.InnovindexError` leaving the block is raised again with its
    text made public, so every route that saves uploads through this class answers with
    ``data.csv, row 3, ...`` and never ``/tmp/innovindex-upload-.../data.csv``.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._names: dict[str, str] = {}

    def __enter__(self) -> _Uploads:
        self._tmp = tempfile.TemporaryDirectory(prefix="innovindex-upload-")
        self.folder = FsPath(self._tmp.name)
        return self

    def __exit__(
        self,
        typ: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tmp.cleanup()
        if isinstance(exc, InnovindexError) and str(self.folder) in str(exc):
            raise self._public_error(exc) from None

    def save(self, upload: UploadFile, stem: str, allowed: tuple[str, ...]) -> FsPath:
        """Save ``upload`` as ``stem<suffix>`` (see :func:`_save`) and remember its name."""
        path = _save(upload, self.folder, stem, allowed, self.limit)
        self._names[str(path)] = self.name(upload, path)
        return path

    @staticmethod
    def name(upload: UploadFile, path: FsPath) -> str:
        """The client's file name without any folder part (``../x.csv`` -> ``x.csv``)."""
        return FsPath((upload.filename or "").replace("\\", "/")).name or path.name

    def public(self, text: str) -> str:
        """``text`` with every saved path replaced by the client's file name."""
        for path, name in sorted(self._names.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(path, name)
        return text.replace(str(self.folder), "upload")

    def _public_error(self, exc: InnovindexError) -> InnovindexError:
        if isinstance(exc, InputError):
            return InputError(
                self.public(exc.detail),
                file=self.public(exc.file) if exc.file else None,
                row=exc.row,
                column=exc.column,
            )
        try:
            return type(exc)(self.public(str(exc)))
        except TypeError:  # a subclass with another constructor: the message is what matters
            return InputError(self.public(str(exc)))


def _framework(name: str) -> str:
    from ..framework.builtin import available

    if name not in available():
        raise InputError(f"unknown built-in framework {name!r}; available: {available()}")
    return name


def _created(store: StoreReader, run_id: str, kind: str, warned: list[str]) -> dict[str, Any]:
    store.invalidate()
    run = store.run(run_id)
    return {
        "run_id": run_id,
        "kind": kind,
        "years": run.years,
        "n_units": int(run.scores["uCode"].nunique()),
        "warnings": warned,
    }


@router.post(
    "/builds",
    response_model=schemas.Created,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_ERRORS,
    dependencies=[Depends(require_token)],
    summary="Build an index from uploaded files and record it",
)
def post_build(
    request: Request,
    store: Annotated[StoreReader, Depends(reader)],
    data: Annotated[UploadFile, File(description="iData: CSV, XLSX or Parquet")],
    meta: Annotated[UploadFile | None, File(description="iMeta file (else `framework`)")] = None,
    pipeline: Annotated[UploadFile | None, File(description="pipeline YAML")] = None,
    framework: Annotated[
        str | None, Form(description="built-in framework, e.g. gii2019", max_length=64)
    ] = None,
    label: Annotated[str, Form(description="label of the run", max_length=200)] = "api build",
) -> dict[str, Any]:
    """Build the index for every year of the uploaded data and record it as a run."""
    from ..building import build_panel
    from ..diagnostics import collect
    from ..framework import Framework
    from ..io.writers import file_sha256
    from ..store import record_build

    if (meta is None) == (framework is None):
        raise InputError("give exactly one of the meta file or the framework name")
    with _Uploads(request.app.state.max_upload) as up:
        data_path = up.save(data, "data", _TABLE_SUFFIXES)
        meta_path = up.save(meta, "meta", _TABLE_SUFFIXES) if meta else None
        pipe_path = up.save(pipeline, "pipeline", _YAML_SUFFIXES) if pipeline else None
        fw: Framework | str
        if meta is not None and meta_path is not None:
            # recorded as the run's framework: the upload as named in `inputs`, not the temp path
            fw = replace(Framework.read(meta_path), source=f"upload:{up.name(meta, meta_path)}")
        else:
            fw = _framework(str(framework))
        inputs = {
            name: {"path": f"upload:{up.name(u, p)}", "sha256": file_sha256(p)}
            for name, u, p in (
                ("data", data, data_path),
                ("meta", meta, meta_path),
                ("pipeline", pipeline, pipe_path),
            )
            if u is not None and p is not None
        }
        with collect() as warned:
            panel = build_panel(data_path, fw, pipe_path)
        warned[:] = [up.public(w) for w in warned]
        with store.writing():
            run_id = record_build(store.db, panel, label=label, inputs=inputs, warnings=warned)
    return _created(store, run_id, "build", warned)


@router.post(
    "/results",
    response_model=schemas.Created,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_ERRORS,
    dependencies=[Depends(require_token)],
    summary="Import published results and record them as a run",
)
def post_results(
    request: Request,
    store: Annotated[StoreReader, Depends(reader)],
    file: Annotated[UploadFile, File(description="published results: CSV (; or ,)")],
    framework: Annotated[str, Form(description="built-in framework, e.g. gii2019", max_length=64)],
    time: Annotated[
        int | None, Form(description="the edition year of every row", ge=0, le=9999)
    ] = None,
    time_column: Annotated[
        str | None, Form(description="column holding the year", max_length=200)
    ] = None,
    unit_column: Annotated[
        str | None, Form(description="column holding the economy", max_length=200)
    ] = None,
    dataset: Annotated[str | None, Form(description="dataset name", max_length=200)] = None,
) -> dict[str, Any]:
    """Store a published results file (scores by edition) as a run, like `results import`."""
    from ..diagnostics import collect
    from ..monitor import import_results

    with _Uploads(request.app.state.max_upload) as up:
        path = up.save(file, "results", (".csv", ".txt"))
        fw = _framework(framework)
        with collect() as warned, store.writing():
            run_id = import_results(
                path,
                name=up.name(file, path),
                framework=fw,
                db=store.db,
                time=time,
                time_column=time_column,
                unit_column=unit_column,
                dataset=dataset or FsPath(file.filename or "results").stem[:200],
            )
        warned[:] = [up.public(w) for w in warned]
    return _created(store, run_id, "import", warned)
