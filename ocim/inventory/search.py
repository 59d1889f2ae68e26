"""Text search of the actors: every word of the query must be found, case aside, in the name,
the other names or the commune.

First version: words as written. The directory's full-text index (French stems, accents aside,
ranking) replaces ``actor_search_condition``'s body; its signature stays.
"""

from __future__ import annotations

from django.db.models import Q

MAX_WORDS = 20


def actor_search_condition(query: str) -> Q:
    condition = Q()
    for word in query.split()[:MAX_WORDS]:
        condition &= (
            Q(name__icontains=word)
            | Q(other_names__icontains=word)
            | Q(commune__name__icontains=word)
        )
    return condition
