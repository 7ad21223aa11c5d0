"""Model-version rows: the day's count, newest first, the promoted one and the one before it."""

from __future__ import annotations

from db.repositories import model_versions
from tests import factories as f


def test_reads_newest_first(db_session):
    old = f.model_version(db_session, version="2026-01-01-1", created_at=f.at(2))
    new = f.model_version(db_session, version="2026-01-01-2", created_at=f.at(1))
    f.model_version(db_session, version="2026-01-02-1", created_at=f.at(0))
    assert model_versions.count_versions_with_prefix(db_session, prefix="2026-01-01") == 2
    assert model_versions.get_version(db_session, version=new.version) is new
    assert model_versions.get_version(db_session, version="nope") is None
    assert [v.version for v in model_versions.list_versions(db_session)][1:] == [new.version, old.version]
    rows, total = model_versions.page_versions(db_session, limit=1, offset=2)
    assert total == 3 and rows == [old]


def test_promotion_keeps_one_promoted_version(db_session):
    first = f.model_version(db_session, artifact_sha256="a" * 64, artifact=b"bytes")
    second = f.model_version(db_session)
    assert model_versions.promoted_row(db_session) is None
    model_versions.mark_promoted(db_session, row=first)
    model_versions.mark_promoted(db_session, row=second)
    db_session.expire_all()
    assert (first.status, second.status) == ("trained", "promoted")
    assert model_versions.promoted_row(db_session).version == second.version
    assert model_versions.current_promoted(db_session).id == second.id
    assert model_versions.last_promoted_before(db_session, current=second).id == first.id
    assert model_versions.artifact_bytes(db_session, version_id=first.id) == b"bytes"
