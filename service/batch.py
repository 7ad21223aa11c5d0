"""Batch recommendations: one JSON request a line in, one answer a line out, same order."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import PartnermatchError
from models import registry
from service.catalogue_holder import CatalogueHolder
from service.config import Settings
from service.errors import error_answer, validation_answer
from service.model_holder import LoadedModel, keep_out_of_collections
from service.recommendations.schemas import RecommendationRequest
from service.recommendations.service import recommend


def run_batch(factory: sessionmaker[Session], settings: Settings, source: Path, target: Path) -> int:
    """Answer every line; a bad line gets an error object in its place, so order is kept."""
    with factory() as session:
        ref = registry.promoted(session)
        if ref is None:
            raise ValueError("no model is promoted; run `partnermatch train --promote` first")
        loaded = LoadedModel.from_registry(session, ref.version, cache_dir=settings.model_dir)
    keep_out_of_collections()
    if not source.is_file():
        raise ValueError(f"{source}: file not found")
    count = 0
    regions = settings.curated_dir / "regions.json"
    catalogue = CatalogueHolder(regions)
    with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
        for line_no, line in enumerate(fin, start=1):
            if not line.strip():
                continue
            try:
                request = RecommendationRequest.model_validate_json(line)
                with factory() as session:
                    answer = recommend(
                        session,
                        loaded=loaded,
                        request=request,
                        regions_path=regions,
                        catalogue=catalogue,
                        settings=settings,
                    )
                out = answer.model_dump(mode="json")
            except ValidationError as exc:
                out = validation_answer(exc.errors(), prefix=f"{source}:{line_no}: ")
            except PartnermatchError as exc:
                _, out = error_answer(exc, prefix=f"{source}:{line_no}: ")
            fout.write(json.dumps(out, ensure_ascii=False) + "\n")
            count += 1
    return count
