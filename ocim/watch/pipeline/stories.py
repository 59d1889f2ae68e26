"""Near-duplicates: the same story relayed by several sites, grouped into one ``Story``.

Similarity is measured on the start of each item's text (its first ``MAX_WORDS`` words,
folded: no case, accents or elisions; relays copy the start of a press release or dispatch and
change the headline): the share of runs of three consecutive words that two texts have in
common (Jaccard similarity). The text is the item's summary when it is a lead of
``SUMMARY_WORDS`` words or more, else its content, else its summary (``story_text_words``):
every feed format carries a summary, not every one the full content, and a relay read from a
summary-only feed must be compared with the same part of the original; a teaser of a sentence
says too little, and short texts written from stock phrases were grouped by chance (on the
benchmark corpus, a summary of 12 words or more: 60 stories of 159 mixing unrelated items; 30
words or more, and at least ``MIN_WORDS`` words to compare: 2 of 91).

A MinHash signature estimates the similarity without keeping the texts: the hashes of an
item's word runs are spread over ``BINS`` bins and the smallest hash of each bin is kept
(one-permutation hashing, empty bins filled from their neighbour); two texts agree on a bin
with a probability equal to their similarity.

To find candidates without comparing every pair, the signature is cut into ``BANDS`` bands of
``ROWS`` bins, each band reduced to a key stored in an indexed column (locality-sensitive
hashing): texts with similarity 0.8 share a band with probability 0.98, 0.6 with 0.67, 0.3 with
0.06. One indexed query per document finds every candidate among the recent items; the
signatures keep those whose estimated similarity is ``CANDIDATE_SIMILARITY`` or more, and the
texts of those (a second query, only when there are some) confirm an exact similarity of
``MIN_SIMILARITY`` or more, or that one text is contained in the other: 32 bins estimate a
similarity within ±0.15, and texts written from the same stock sentences came out above the
threshold and merged unrelated items into one story.

Only items of different sources are grouped: one site posting two similar texts (a weekly
agenda) publishes two things, not one story told twice.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import struct
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from ..models import Item, Story
from .text import fold

BINS = 32
BANDS = 8
ROWS = BINS // BANDS
MIN_SIMILARITY = 0.6
# Estimated similarity from which the texts are compared (the estimate's error, see above).
CANDIDATE_SIMILARITY = 0.45
# Share of a text's runs of words found in another for it to be a copy of it (an intro added).
CONTAINED = 0.9
# Items first seen this long before the new one are not looked at: relays follow within days.
WINDOW = timedelta(days=14)
# Candidates kept per band key, the most recent first. A key that hundreds of items share is
# boilerplate ("Lire la suite", a signature of a few words), not a story: comparing a new item
# with every one of them made the comparisons grow with the table (most of a fetch cycle's CPU
# on feeds that repeat their texts). An item of a story joins it through any of its members.
MAX_CANDIDATES_PER_KEY = 32
# Fewer words than this say too little to compare.
MIN_WORDS = 20
# A summary with fewer words than this is a teaser: the content is compared instead.
SUMMARY_WORDS = 30
MAX_WORDS = 80
# Characters of a candidate's summary and content read to confirm it (MAX_WORDS words fit).
CONFIRM_CHARACTERS = MAX_WORDS * 12

_WORD = re.compile(r"[a-z0-9]+")
_BIN_SHIFT = 64 - (BINS.bit_length() - 1)
_SIGNATURE = struct.Struct(f"<{BINS}I")
_MASK32 = 0xFFFFFFFF
# Stable mixing of a band's values into its key (Python's hash() changes between processes).
_PRIME = (1 << 61) - 1
_BAND_FACTORS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
_word_hashes: dict[str, bytes] = {}
_MAX_CACHED_WORDS = 200_000


def _word_hash(word: str) -> bytes:
    digest = _word_hashes.get(word)
    if digest is None:
        if len(_word_hashes) >= _MAX_CACHED_WORDS:
            _word_hashes.clear()
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        _word_hashes[word] = digest
    return digest


def _rotate_lanes(data: bytes, by: int) -> bytes:
    """Each 8-byte lane of ``data`` rotated by ``by`` bytes (a different hash per position)."""
    rotated = bytearray(len(data))
    for position in range(8):
        rotated[position::8] = data[(position + by) % 8 :: 8]
    return bytes(rotated)


def story_words(text: str) -> list[str]:
    """The folded words a signature is made of: the start of ``text``."""
    return _WORD.findall(fold(text[: MAX_WORDS * 12]))[:MAX_WORDS]


def story_text_words(summary: str, content: str) -> list[str]:
    """The words an item is compared on: its summary's, or its content's when the summary has
    fewer than ``SUMMARY_WORDS`` (see the module docstring)."""
    words = story_words(summary)
    if len(words) < SUMMARY_WORDS and content:
        words = story_words(content)
    return words


def _shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    """The runs of ``size`` consecutive words of ``words``."""
    return set(zip(*(words[start:] for start in range(size)), strict=False))


def text_similarity(first: list[str], second: list[str]) -> float:
    """The exact similarity of two texts' story words: the share of runs of three words they
    have in common (Jaccard), or 1.0 when one of them is all but whole in the other (a
    ``CONTAINED`` share of its runs of five words: a short summary relayed after an intro of
    the same length, whose Jaccard similarity is near 0.5. Runs of five, not three: a short
    text written from stock phrases finds most of its runs of three scattered in a longer
    one)."""
    return _runs_similarity(
        lambda size: _shingles(first, size), lambda size: _shingles(second, size)
    )


def _runs_similarity(first_runs, second_runs) -> float:
    """``text_similarity`` of two texts given by their runs of words (``runs(size)``: the set
    of runs of ``size`` words), so that a document comparing its items with the same
    candidates builds each text's runs once."""
    one, other = first_runs(3), second_runs(3)
    if not one or not other:
        return 0.0
    common = len(one & other)
    jaccard = common / (len(one) + len(other) - common)
    if jaccard < MIN_SIMILARITY:
        one, other = first_runs(5), second_runs(5)
        if one and other and len(one & other) >= CONTAINED * min(len(one), len(other)):
            return 1.0
    return jaccard


class _DocumentRuns:
    """The runs of words of the texts a document compares (its items', its candidates'),
    each built once: boilerplate shared by hundreds of items made every item of a document
    rebuild the runs of the same 32 candidates per band key, and its own for each of them."""

    def __init__(self):
        self._runs: dict[tuple[object, int], set[tuple[str, ...]]] = {}

    def of(self, key: object, words: list[str]):
        runs = self._runs

        def by_size(size: int) -> set[tuple[str, ...]]:
            found = runs.get((key, size))
            if found is None:
                found = runs[(key, size)] = _shingles(words, size)
            return found

        return by_size


def text_signature(words: list[str]) -> bytes | None:
    """The MinHash signature of ``words`` (``BINS`` unsigned 32-bit values, packed), or
    ``None`` for a text too short to compare."""
    words = words[:MAX_WORDS]
    if len(words) < MIN_WORDS:
        return None
    get = _word_hashes.get
    hashes = b"".join([get(word) or _word_hash(word) for word in words])
    size = (len(words) - 2) * 8
    # The hash of a run of three words: its words' hashes, rotated by their position, XORed.
    combined = (
        int.from_bytes(hashes[:size], "little")
        ^ int.from_bytes(_rotate_lanes(hashes[8 : size + 8], 1), "little")
        ^ int.from_bytes(_rotate_lanes(hashes[16 : size + 16], 2), "little")
    ).to_bytes(size, "little")
    values = sorted(set(struct.unpack(f"<{size // 8}Q", combined)))
    count = len(values)
    minimums: list[int | None] = []
    for number in range(BINS):
        index = bisect_left(values, number << _BIN_SHIFT)
        if index < count and values[index] >> _BIN_SHIFT == number:
            minimums.append(values[index] & _MASK32)
        else:
            minimums.append(None)
    # An empty bin takes the value of the next filled one, shifted by the distance, so that
    # two similar texts still agree on it.
    filled = [value for value in minimums if value is not None]
    if len(filled) < BINS:
        for number in range(BINS):
            if minimums[number] is None:
                for distance in range(1, BINS):
                    value = minimums[(number + distance) % BINS]
                    if value is not None:
                        minimums[number] = (value + distance * 0x9E3779B9) & _MASK32
                        break
    return _SIGNATURE.pack(*minimums)


def signature_bands(signature: bytes) -> list[int]:
    """The ``BANDS`` band keys of ``signature`` (31-bit, for an IntegerField)."""
    values = _SIGNATURE.unpack(signature)
    keys = []
    for band in range(BANDS):
        key = band + 1
        for factor, value in zip(
            _BAND_FACTORS, values[band * ROWS : band * ROWS + ROWS], strict=True
        ):
            key = (key * factor + value) % _PRIME
        keys.append(key & 0x7FFFFFFF)
    return keys


def similarity(first: bytes, second: bytes) -> float:
    """The share of bins on which two signatures agree (estimated Jaccard similarity)."""
    return _agreement(_SIGNATURE.unpack(first), _SIGNATURE.unpack(second))


def _agreement(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    return sum(map(operator.eq, first, second)) / BINS


def _aware(value: datetime | str) -> datetime:
    # Raw SQL rows skip Django's converters: SQLite returns dates as text, naive in UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass
class _Candidate:
    pk: int
    signature: bytes
    story_id: int | None
    title: str
    first_seen_at: datetime

    @cached_property
    def values(self) -> tuple[int, ...]:
        """The signature unpacked, once, for the candidates compared only."""
        return _SIGNATURE.unpack(self.signature)


def stories_assign(items: list[Item], *, source_id: int, now: datetime) -> dict[int, int]:
    """Before ``items`` (new, unsaved, with ``minhash`` and band keys set) are inserted, set the
    ``story`` of those that retell a recent item of another source: that item's story, or a
    story created for the two. Returns, per story, the items it gained (the new ones, and the
    earlier item a story was created for), for ``stories_grow`` once the items are saved. A
    bounded number of queries, whatever the number of items."""
    signed = [item for item in items if item.minhash is not None]
    if not signed:
        return {}
    band_values: list[set[int]] = [set() for _ in range(BANDS)]
    item_bands = {}
    for item in signed:
        keys = [getattr(item, f"story_band{band}") for band in range(BANDS)]
        item_bands[id(item)] = keys
        for band, key in enumerate(keys):
            band_values[band].add(key)
    # One query per band, glued with UNION ALL (a pair of items sharing several bands comes
    # back several times; kept once below), each reading only its band's index; the window
    # is checked here. Eight ORed conditions and the window in SQL let a planner without
    # fresh statistics (a table filling up faster than autovacuum analyses it) read every
    # recent item through the date index instead: 10 ms per document at 5,000 items. Raw SQL:
    # eight querysets cost more to build than the query took to run.
    table = connection.ops.quote_name(Item._meta.db_table)
    names = ["id", "minhash", "story_id", "title", "first_seen_at"] + [
        f"story_band{band}" for band in range(BANDS)
    ]
    columns = ", ".join(names)
    qualified = ", ".join(f"t.{name}" for name in names)
    parts, params = [], []
    for band, values in enumerate(band_values):
        values = sorted(values)
        if connection.vendor == "postgresql":
            # The latest MAX_CANDIDATES_PER_KEY of each key, picked by the database: a key
            # that thousands of items share no longer ships them all to be dropped here.
            parts.append(
                f"SELECT c.* FROM unnest(%s::integer[]) AS k(key) CROSS JOIN LATERAL "  # noqa: S608 - constants and placeholders
                f"(SELECT {columns} FROM {table} WHERE story_band{band} = k.key "
                "AND source_id <> %s ORDER BY id DESC LIMIT %s) AS c"
            )
            params += [values, source_id, MAX_CANDIDATES_PER_KEY]
            continue
        # SQLite: no LATERAL, but a list subquery correlated with each key (from json_each)
        # reads the same latest items backwards through the index. A window function over
        # every item of the key, or all of them shipped here, took 30 ms for a crowded key.
        parts.append(
            f"SELECT {qualified} FROM json_each(%s) AS k JOIN {table} AS t ON t.id IN ("  # noqa: S608 - constants and placeholders
            f"SELECT c.id FROM {table} AS c WHERE c.story_band{band} = k.value "
            "AND c.source_id <> %s ORDER BY c.id DESC LIMIT %s)"
        )
        params += [json.dumps(values), source_id, MAX_CANDIDATES_PER_KEY]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    candidates: dict[tuple[int, int], list[_Candidate]] = {}
    read: set[int] = set()
    since = now - WINDOW
    for pk, signature, story_id, title, first_seen_at, *keys in rows:
        if signature is None or pk in read:
            continue
        seen_at = _aware(first_seen_at)
        if seen_at < since:
            continue
        read.add(pk)
        candidate = _Candidate(pk, bytes(signature), story_id, title, seen_at)
        # Filed only under the keys a new item has (a candidate shares one or two of its eight).
        for band, key in enumerate(keys):
            if key in band_values[band]:
                candidates.setdefault((band, key), []).append(candidate)
    if not candidates:
        return {}
    for key, found in candidates.items():
        if len(found) > MAX_CANDIDATES_PER_KEY:
            found.sort(key=lambda candidate: (candidate.first_seen_at, candidate.pk), reverse=True)
            candidates[key] = found[:MAX_CANDIDATES_PER_KEY]

    # Per item, the candidates whose estimated similarity is high enough, the closest first.
    shortlist: list[tuple[Item, list[tuple[float, _Candidate]]]] = []
    for item in signed:
        scored: list[tuple[float, _Candidate]] = []
        seen = set()
        values = _SIGNATURE.unpack(item.minhash)
        for band, key in enumerate(item_bands[id(item)]):
            for candidate in candidates.get((band, key), ()):
                if candidate.pk in seen:
                    continue
                seen.add(candidate.pk)
                score = _agreement(values, candidate.values)
                if score >= CANDIDATE_SIMILARITY:
                    scored.append((score, candidate))
        if scored:
            scored.sort(key=lambda pair: (pair[0], pair[1].pk), reverse=True)
            shortlist.append((item, scored))
    if not shortlist:
        return {}
    # The texts confirm: one query for every shortlisted candidate of the document.
    texts = _candidate_words({c.pk for _item, scored in shortlist for _s, c in scored})
    matches: list[tuple[Item, _Candidate]] = []
    runs = _DocumentRuns()
    for item, scored in shortlist:
        item_runs = runs.of(id(item), story_text_words(item.summary, item.content_text))
        best: _Candidate | None = None
        best_similarity = 0.0
        # The closest text wins; between equals, the closest estimate, then the latest item.
        # A copy (1.0) cannot be beaten: the rest are not read.
        for _score, candidate in scored:
            exact = _runs_similarity(item_runs, runs.of(candidate.pk, texts.get(candidate.pk, [])))
            if exact >= MIN_SIMILARITY and exact > best_similarity:
                best, best_similarity = candidate, exact
                if exact >= 1.0:
                    break
        if best is not None:
            matches.append((item, best))
    if not matches:
        return {}

    # Candidates without a story get a new one, claimed with a conditional UPDATE: a worker
    # that grouped the same candidate meanwhile wins, and this one joins its story.
    lonely = {candidate.pk: candidate for _, candidate in matches if candidate.story_id is None}
    # Stories this worker created and kept: the earlier item counts in them too.
    created_here: set[int] = set()
    if lonely:
        created = Story.objects.bulk_create(
            Story(title=c.title or "…", first_seen_at=c.first_seen_at, last_seen_at=now)
            for c in lonely.values()
        )
        claimed = dict(zip(lonely, (story.pk for story in created), strict=True))
        Item.objects.filter(pk__in=claimed, story__isnull=True).update(
            story_id=Case(
                *(When(pk=pk, then=Value(story_id)) for pk, story_id in claimed.items()),
                output_field=IntegerField(),
            )
        )
        actual = dict(Item.objects.filter(pk__in=claimed).values_list("pk", "story_id"))
        for pk, candidate in lonely.items():
            candidate.story_id = actual.get(pk)
        created_here = {story_id for pk, story_id in claimed.items() if actual.get(pk) == story_id}
        unused = set(claimed.values()) - set(actual.values())
        if unused:
            Story.objects.filter(pk__in=unused).delete()
    gained: dict[int, int] = dict.fromkeys(created_here, 1)
    for item, candidate in matches:
        if candidate.story_id is not None:
            item.story_id = candidate.story_id
            gained[candidate.story_id] = gained.get(candidate.story_id, 0) + 1
    return gained


def _candidate_words(pks: set[int]) -> dict[int, list[str]]:
    """The story words of the items ``pks`` (the start of their summary and content only)."""
    table = connection.ops.quote_name(Item._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    # SUBSTR: the same function on SQLite and PostgreSQL, only the start leaves the database.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, SUBSTR(summary, 1, %s), SUBSTR(content_text, 1, %s) FROM {table} "  # noqa: S608 - constants and placeholders
            f"WHERE id IN ({placeholders})",
            [CONFIRM_CHARACTERS, CONFIRM_CHARACTERS, *sorted(pks)],
        )
        return {pk: story_text_words(summary, content) for pk, summary, content in cursor}


def stories_grow(gained: dict[int, int], *, now: datetime) -> None:
    """Add to each story the items it gained (``stories_assign``), and make ``now`` its last
    sighting: one statement, whatever the stories' size. An addition, not a count: a story
    that boilerplate text made of thousands of items was counted again at every document
    (5 ms and growing), and two workers adding to one story each add their own (a count in
    the second, taken before the first committed, missed the first's items)."""
    if not gained:
        return
    Story.objects.filter(pk__in=gained).update(
        item_count=F("item_count")
        + Case(
            *(When(pk=pk, then=Value(count)) for pk, count in gained.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
        last_seen_at=Greatest("last_seen_at", Value(now, output_field=DateTimeField())),
    )


def stories_recount(story_ids: set[int], *, now: datetime) -> None:
    """Count again the items of the stories ``story_ids`` and make ``now`` their last
    sighting when later: after deletions (retention), which ``stories_grow`` cannot follow."""
    if not story_ids:
        return
    count = (
        Item.objects.filter(story=OuterRef("pk"))
        .order_by()
        .values("story")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Story.objects.filter(pk__in=story_ids).update(
        item_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        last_seen_at=Greatest("last_seen_at", Value(now, output_field=DateTimeField())),
    )
