"""The article lifecycle: what a write does to an article that may already be stored.

Pure planning, no I/O: :func:`plan_lifecycle` takes a batch of upserts (from
:func:`~pipelines.storage.documents.to_document`) and the stored state of their documents,
and returns the upserts to send, the previous versions to archive and what each write is:

- **new**: the upsert as built, plus ``version: 1`` on insert;
- **unchanged** (same ``content_hash``): only ``last_seen`` and ``fetch_count`` move;
- **versioned** (title or text changed): the stored title, text and fingerprint go to
  ``article_versions`` as ``{_id: "<article_id>:<version>", article_id, version, title,
  text, fingerprint, fetched_at, archived_at}``; the article gets ``version + 1`` and
  ``modified`` (the page's own value, else the fetch time);
- **updated** (other content fields changed, e.g. tags): the upsert as built, except that a
  page without a modification time does not erase the one already stored.

Dates stay in ``$set`` as datetimes; the writer applies the server quirks afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.storage.documents import Upsert

ARTICLE_VERSIONS = "article_versions"

NEW = "new"
UNCHANGED = "unchanged"
UPDATED = "updated"
VERSIONED = "versioned"

#: Fields of a stored article read before a write to plan it (``text`` only when needed).
STATE_FIELDS = ("content_hash", "title", "fingerprint", "version", "last_seen", "modified")


@dataclass
class LifecyclePlan:
    """Upserts to send (same order as the batch), their kinds, and versions to archive."""

    upserts: list[Upsert] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    archive: list[dict[str, Any]] = field(default_factory=list)


def version_id(article_id: str, version: int) -> str:
    """``_id`` of a version document: ``"<article_id>:<version>"``."""
    return f"{article_id}:{version}"


def plan_lifecycle(
    batch: Sequence[Upsert], existing: Mapping[Any, Mapping[str, Any]]
) -> LifecyclePlan:
    """Plan the writes of ``batch`` given the stored documents ``existing`` (by ``_id``).

    ``existing`` documents carry :data:`STATE_FIELDS`, and ``text`` when their
    ``content_hash`` differs from the upsert's. The same article twice in one batch is
    compared with its earlier upsert.
    """
    plan = LifecyclePlan()
    current: dict[Any, dict[str, Any]] = {key: dict(doc) for key, doc in existing.items()}
    for flt, update in batch:
        doc_id = flt.get("_id")
        fields = dict(update.get("$set") or {})
        state = current.get(doc_id)
        if state is None:
            kind, planned = NEW, _new(update)
            state = {"version": 1}
        elif fields.get("content_hash") is not None and (
            fields.get("content_hash") == state.get("content_hash")
        ):
            kind, planned = UNCHANGED, _unchanged(update, fields)
        elif "text" in fields and (
            fields.get("title") != state.get("title") or fields.get("text") != state.get("text")
        ):
            kind = VERSIONED
            planned, archived = _versioned(str(doc_id), update, fields, state)
            plan.archive.append(archived)
            state = {**state, "version": planned["$set"]["version"]}
        else:
            kind, planned = UPDATED, _updated(update, fields, state)
        if kind != UNCHANGED:
            state = {**state, **planned.get("$set", {})}
        current[doc_id] = state
        plan.upserts.append(Upsert(dict(flt), planned))
        plan.kinds.append(kind)
    return plan


def _new(update: Mapping[str, Any]) -> dict[str, Any]:
    planned = dict(update)
    on_insert = dict(update.get("$setOnInsert") or {})
    if "version" not in (update.get("$set") or {}):
        on_insert.setdefault("version", 1)
    planned["$setOnInsert"] = on_insert
    return planned


def _unchanged(update: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    if "last_seen" not in fields:
        return dict(update)
    planned: dict[str, Any] = {"$set": {"last_seen": fields["last_seen"]}}
    if update.get("$inc"):
        planned["$inc"] = dict(update["$inc"])
    return planned


def _keep_modified(fields: dict[str, Any], state: Mapping[str, Any]) -> None:
    """A page without a modification time does not erase the stored one."""
    if fields.get("modified") is None and state.get("modified") is not None:
        fields.pop("modified", None)
        fields.pop("modified_at", None)


def _updated(
    update: Mapping[str, Any], fields: dict[str, Any], state: Mapping[str, Any]
) -> dict[str, Any]:
    _keep_modified(fields, state)
    return {**update, "$set": fields}


def _versioned(
    doc_id: str, update: Mapping[str, Any], fields: dict[str, Any], state: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    stored_version = state.get("version")
    version = stored_version if isinstance(stored_version, int) and stored_version > 0 else 1
    seen = fields.get("last_seen")
    archived = {
        "_id": version_id(doc_id, version),
        "article_id": doc_id,
        "version": version,
        "title": state.get("title"),
        "text": state.get("text"),
        "fingerprint": state.get("fingerprint"),
        "fetched_at": state.get("last_seen"),
        "archived_at": seen,
    }
    fields["version"] = version + 1
    if fields.get("modified") is None and isinstance(seen, datetime):
        fields["modified"] = seen.isoformat()
        fields["modified_at"] = seen
    return {**update, "$set": fields}, archived
