"""The catalogue fingerprint changes with every catalogue edit and cooperation change, and only then."""

from __future__ import annotations

from db.repositories.fingerprint import catalogue_fingerprint
from tests import factories as f


def test_changes_with_sectors_schemes_and_cooperations(db_session):
    a, b = f.city(db_session), f.city(db_session)
    seen = [catalogue_fingerprint(db_session)]
    assert catalogue_fingerprint(db_session) == seen[0]  # reading changes nothing
    sector = f.sector(db_session)
    seen.append(catalogue_fingerprint(db_session))
    sector.description = "edited"
    db_session.flush()
    seen.append(catalogue_fingerprint(db_session))
    scheme = f.funding_scheme(db_session)
    seen.append(catalogue_fingerprint(db_session))
    scheme.eligibility = {"applicant_countries": ["DE"]}
    db_session.flush()
    seen.append(catalogue_fingerprint(db_session))
    coop = f.cooperation(db_session, members=[a, b])
    seen.append(catalogue_fingerprint(db_session))
    coop.revision += 1
    db_session.flush()
    seen.append(catalogue_fingerprint(db_session))
    assert len(set(seen)) == len(seen)
