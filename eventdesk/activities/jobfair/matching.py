"""Postings that fit a seeker: open ones they have the education for, those matching the jobs
they want first.

Ranked by, in order: how well the title (then the requirements) matches a wanted job; how
close the education asked is to the seeker's (a job asking for what they have before one
asking for less); the positions left.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping

from eventdesk.activities.jobfair.models import Posting
from eventdesk.activities.jobfair.vocabulary import EDUCATION_RANK

#: At most this many postings are suggested.
SUGGESTIONS = 10
_SEPARATORS = re.compile(r"[\s,，、;；/／|。.]+")


def wanted_terms(text: str | None) -> list[str]:
    """The jobs a seeker wrote, one term each: "保洁、保安/司机" → 保洁, 保安, 司机."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return [term for term in _SEPARATORS.split(folded) if term]


def _job_match(terms: list[str], posting: Posting) -> int:
    title = unicodedata.normalize("NFKC", posting.title).lower()
    requirements = unicodedata.normalize("NFKC", posting.requirements or "").lower()
    if any(term in title or title in term for term in terms):
        return 2
    if any(term in requirements for term in terms):
        return 1
    return 0


def fitting(fields: Mapping, postings: Iterable[Posting]) -> list[Posting]:
    """The postings that fit a seeker's answers (`Registration.fields`), best first.

    Nothing is suggested to a seeker who gave neither their education nor the jobs they want.
    """
    terms = wanted_terms(fields.get("wanted_jobs"))
    level = EDUCATION_RANK.get(fields.get("education"))
    if not terms and level is None:
        return []
    ranked = []
    for posting in postings:
        asked = EDUCATION_RANK.get(posting.education, 0)
        if posting.remaining <= 0 or (level is not None and asked > level):
            continue
        match = _job_match(terms, posting)
        if terms and not match and level is None:
            continue
        closeness = -(level - asked) if level is not None else 0
        ranked.append(((match, closeness, posting.remaining, -posting.id), posting))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return [posting for _key, posting in ranked[:SUGGESTIONS]]
