"""The directory's facet counts on PostgreSQL, in one statement whatever the filters.

Each facet is counted with every filter applied but its own. Where the actors come from
depends on what the filters are:

- **words to search**: the matches of the words, read once through the GIN index of the search
  table (``ActorSearchIndex``, which holds a copy of each actor's filter columns, labels and
  concepts) into a materialised set ``m``; every count is taken from ``m``;
- **no words, but labels or concepts**: ``m`` is the actors carrying one of the chosen labels
  or concepts, read from their narrow ``ActorFacets`` rows (GIN indexes on the lists); a
  label facet without a concept filter (or the reverse) needs every actor, and is added up
  from the cells below;
- **no words, labels or concepts** (the unfiltered directory, or family, type, region,
  department and status only): every count is added up from ``DirectoryCount``, the exact
  counts of the facet cells that triggers keep (``migrations/0007``): a few thousand rows
  instead of 100,000 actors and 400,000 links.

Whichever the source, the cells (family, type, region, department, status → number of actors)
are then summed once per facet without its own filter, the labels and the concepts with every
filter but their own, all in the same statement.

``directory_counts_compact`` adds up the rows the triggers leave (a periodic job);
``directory_counts_rebuild`` recounts everything (after a restore, or to repair);
``directory_counts_differences`` compares the cells with a recount (tests and checks).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from .filters import ActorFilters
from .models_directory import ActorFacets, ActorSearchIndex, DirectoryCount
from .search import actor_search_rank_sql, actor_search_tsquery_sql, query_words

SCALARS = ("family", "type", "region", "department", "status")
# The samples of the search rows, by the remainder of the actor's id divided by
# ``SAMPLE_MODULUS`` (an indexed expression, migration 0009): one actor in 64 (remainder 0),
# then one in 16 (remainders 0 to 3) when the first holds too few of a search's matches.
SAMPLE_MODULUS = 64
SAMPLES = (64, 16)
TABLE = DirectoryCount._meta.db_table
CELL = "family_id, type_id, region_id, department_id, status"
# Advisory lock key of the compaction (two at once would both add up the same rows).
_COMPACT_LOCK = 0x0C1A_D1C7
# Settings of the statements reading the GIN matches: a bitmap scan is forced (the planner
# otherwise prices ``@@`` as cheap and reads every vector of a frequent word); groups are
# hashed, never sorted (the planner cannot foresee how many rows pass ``&&`` on the set of
# matches, and sorting them by text under the database's collation costs several times more);
# JIT is off (a disabled plan node costs 10^10, which would compile the statement for
# nothing); and the set of matches stays in memory.
_MATCH_SETTINGS = (
    ("enable_seqscan", "off"),
    ("enable_indexscan", "off"),
    ("enable_sort", "off"),
    ("jit", "off"),
    ("work_mem", "32MB"),
)
# A listing by one label or concept: the same, but index scans allowed (its first pages walk
# the facet rows' name index).
_WALK_SETTINGS = tuple(pair for pair in _MATCH_SETTINGS if pair[0] != "enable_indexscan")


@dataclass
class PgCounts:
    total: int = 0
    # {facet: {value: count}}: families and types by id, the others by code.
    scalars: dict[str, dict] = field(default_factory=lambda: {name: {} for name in SCALARS})
    labels: dict[int, int] = field(default_factory=dict)  # by label id
    concepts: list[dict] = field(default_factory=list)  # id, slug, French and English labels
    page: list[int] | None = None  # ids of the page asked for, when listed here
    # Whether the facets and the total were counted (else estimated from the sample).
    facets_exact: bool = True
    total_exact: bool = True
    # Counted from the sample only: the words' matches in it, and the name cutting off the
    # first actors passing every filter (None: fewer than asked for in the sample).
    matches: int = 0
    cut: str | None = None
    one_in: int = 1  # the sample's inverse share (1: every actor)
    # Facets estimated from a sample while the others are counted ("label", "concept").
    estimated: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Chosen:
    """The filters as the ids and codes the statement compares (unknown values dropped:
    a filter whose values are all unknown matches nothing)."""

    filters: ActorFilters
    family_ids: list[int]
    type_ids: list[int]
    label_ids: list[int]
    concept_ids: list[int]

    def conditions(self, alias: str) -> dict[str, tuple[str, list, bool]]:
        """{filter: (SQL on the columns of ``alias``, its value, chosen)}."""
        f = self.filters
        return {
            "family": (f"{alias}.family_id = ANY(%s::bigint[])", self.family_ids, bool(f.families)),
            "type": (f"{alias}.type_id = ANY(%s::bigint[])", self.type_ids, bool(f.types)),
            "region": (f"{alias}.region_id = ANY(%s::text[])", list(f.regions), bool(f.regions)),
            "department": (
                f"{alias}.department_id = ANY(%s::text[])",
                list(f.departments),
                bool(f.departments),
            ),
            "status": (f"{alias}.status = ANY(%s::text[])", list(f.statuses), bool(f.statuses)),
            "label": (f"{alias}.label_ids && %s::bigint[]", self.label_ids, bool(f.labels)),
            "concept": (
                f"{alias}.concept_ids && %s::bigint[]",
                self.concept_ids,
                bool(f.concepts),
            ),
        }

    def where(self, alias: str, *names: str) -> tuple[str, list]:
        conditions = self.conditions(alias)
        parts, params = ["TRUE"], []
        for name in names:
            sql, value, chosen = conditions[name]
            if chosen:
                parts.append(sql)
                params.append(value)
        return " AND ".join(parts), params


def postgres_counts(
    chosen: Chosen,
    *,
    page_start: int | None = None,
    page_size: int = 20,
    listed_above: int = 0,
    exact_limit: int | None = None,
) -> PgCounts:
    """The total and the facet counts of ``chosen.filters`` (see the module's docstring), and
    the ids of the page starting at ``page_start`` where they are listed here (see
    ``_statement_counts``).

    With ``exact_limit``, a search whose words match more actors than that (as a sample
    shows: its matches there times the sample's inverse share) is counted from a sample only:
    one actor in 64 when it holds at least a sixteenth of ``exact_limit`` in matches, else one
    in 16. The facets and, unless few actors pass the filters, the total are then estimates
    (``facets_exact`` and ``total_exact`` say so). The work stays near what ``exact_limit``
    matches cost, however many there are."""
    words = bool(query_words(chosen.filters.q))
    if not (words and exact_limit is not None):
        return _statement_counts(
            chosen,
            page_start=page_start,
            page_size=page_size,
            listed_above=listed_above,
            exact_limit=exact_limit,
        )
    with _match_settings():
        return _sampled_counts(
            chosen,
            page_start=page_start,
            page_size=page_size,
            listed_above=listed_above,
            exact_limit=exact_limit,
        )


def _sampled_counts(
    chosen: Chosen, *, page_start: int | None, page_size: int, listed_above: int, exact_limit: int
) -> PgCounts:
    """``postgres_counts`` of a search with words: a sample first, then every match if they
    are few."""
    for one_in in SAMPLES:
        cut = _cut_position(page_start or 0, page_size, one_in)
        sampled = _statement_counts(chosen, sample=one_in, cut_position=cut)
        if sampled.matches * one_in <= exact_limit:
            break  # few enough: every match is counted below
        if sampled.matches * 16 >= exact_limit or one_in == SAMPLES[-1]:
            # Enough matches in this sample to estimate from (or the largest sample).
            return _estimated(
                chosen,
                sampled,
                page_start=page_start,
                page_size=page_size,
                listed_above=listed_above,
                exact_limit=exact_limit,
            )
    return _statement_counts(
        chosen, page_start=page_start, page_size=page_size, listed_above=listed_above
    )


def _statement_counts(
    chosen: Chosen,
    *,
    page_start: int | None = None,
    page_size: int = 20,
    listed_above: int = 0,
    sample: int = 0,
    cut_position: int = 0,
    exact_limit: int | None = None,
) -> PgCounts:
    """The total and the facet counts of ``chosen.filters``, in one statement.

    With ``sample`` (one in how many), only the actors of that sample are counted (a search
    with words): the
    result also holds the number of the words' matches in it (``matches``) and the name of
    its ``cut_position``-th actor passing every filter, by name (``cut``), and no page.

    With ``page_start``, the same statement also lists the ids of the page starting there,
    from the matches already read (the search index and the facets hold a copy of each name):
    for a search, best first when at most ``listed_above`` actors match, else by name; for a
    listing filtered by labels or concepts, by name. It is a top-N sort of the matches, whose
    cost follows their number (walking the actors' name index until the page is full costs
    what precedes the first matches in name order: most of the table for a word found in
    names late in the alphabet). Otherwise ``page`` is None."""
    filters = chosen.filters
    words = bool(query_words(filters.q))
    statement, params = [], []

    # A listing by one label (or one concept) and no words: (kind of its cells, its id).
    single = None
    if not words and bool(filters.labels) != bool(filters.concepts):
        ids = chosen.label_ids if filters.labels else chosen.concept_ids
        if len(ids) == 1:
            kind = DirectoryCount.LABELS if filters.labels else DirectoryCount.CONCEPTS
            single = (kind, ids[0])
    if words or filters.labels or filters.concepts:
        if words:
            match_sql, match_params = actor_search_tsquery_sql(filters.q)
            statement.append(
                "WITH m AS MATERIALIZED (SELECT s.actor_id, s.name, s.family_id, s.type_id, "  # noqa: S608 - constants and placeholders only
                "coalesce(s.region_id, '') AS region_id, coalesce(s.department_id, '') AS "
                "department_id, s.status, s.label_ids, s.concept_ids "
                f"FROM {ActorSearchIndex._meta.db_table} s WHERE s.vector @@ {match_sql}"
                + (
                    f" AND (s.actor_id %% {SAMPLE_MODULUS}) < {SAMPLE_MODULUS // sample}"
                    if sample
                    else ""
                )
                + "), "
            )
        else:
            # The actors carrying a chosen label or concept: everything the counts below need
            # (a label facet without a concept filter, or the reverse, is added up from the
            # cells).
            conditions = chosen.conditions("f")
            parts = [conditions[name] for name in ("label", "concept") if conditions[name][2]]
            match = " OR ".join(f"({sql})" for sql, _value, _chosen in parts)
            match_params = [value for _sql, value, _chosen in parts]
            if single is not None:
                # Its scalar facets come from the cells: ``m`` only serves the other facet and
                # the page, both with every scalar filter applied.
                scalar_where, scalar_params = chosen.where("f", *SCALARS)
                match = f"({match}) AND {scalar_where}"
                match_params += scalar_params
            statement.append(
                "WITH m AS MATERIALIZED (SELECT f.actor_id, f.name, f.family_id, f.type_id, "  # noqa: S608 - constants and placeholders only
                "f.region_id, f.department_id, f.status, f.label_ids, f.concept_ids "
                f"FROM {ActorFacets._meta.db_table} f WHERE {match}), "
            )
        params += match_params
        if single is not None:
            # One label (or concept) and no words: its actors' cells are kept, exactly.
            statement.append(
                f"g AS MATERIALIZED (SELECT {CELL}, count AS n FROM {TABLE} "  # noqa: S608 - constants and placeholders only
                f"WHERE kind = {single[0]} AND item_id = %s) "
            )
            params.append(single[1])
        else:
            # The labels' and concepts' conditions, unless ``m`` holds exactly the actors
            # passing them (no words, and labels or concepts but not both).
            exactly = not words and not (filters.labels and filters.concepts)
            group_where, group_params = (
                ("TRUE", []) if exactly else chosen.where("m", "label", "concept")
            )
            statement.append(
                f"g AS MATERIALIZED (SELECT {CELL}, count(*) AS n FROM m WHERE {group_where} "  # noqa: S608 - constants and placeholders only
                f"GROUP BY {CELL}) "
            )
            params += group_params
    else:
        statement.append(
            f"WITH g AS MATERIALIZED (SELECT {CELL}, count AS n FROM {TABLE} "  # noqa: S608 - constants only
            f"WHERE kind = {DirectoryCount.ACTORS}) "
        )

    # Each scalar facet without its own filter, and the total.
    selects = []
    for name in SCALARS:
        others = [other for other in SCALARS if other != name]
        where, where_params = chosen.where("g", *others)
        column = f"g.{name}_id" if name != "status" else "g.status"
        key, item = (
            ("NULL::text", column) if name in ("family", "type") else (column, "NULL::bigint")
        )
        selects.append(
            f"SELECT '{name}'::text, {key}, {item}, NULL::text, NULL::text, NULL::text, "  # noqa: S608 - constants and placeholders only
            f"sum(g.n)::bigint FROM g WHERE {where} GROUP BY {column} HAVING sum(g.n) <> 0"
        )
        params += where_params
    total_where, total_params = chosen.where("g", *SCALARS)
    selects.append(
        "SELECT 'total', NULL, NULL, NULL, NULL, NULL, coalesce(sum(g.n), 0)::bigint "  # noqa: S608 - constants and placeholders only
        f"FROM g WHERE {total_where}"
    )
    params += total_params

    # Labels and concepts, each with every filter but its own.
    for name, kind, column in (
        ("label", DirectoryCount.LABELS, "label_ids"),
        ("concept", DirectoryCount.CONCEPTS, "concept_ids"),
    ):
        other = "concept" if name == "label" else "label"
        if single is not None and exact_limit is not None and getattr(filters, f"{other}s"):
            # The concepts of one label's actors (or the reverse): counted from every one of
            # them when they are few, else from one in 16 and marked as estimates ("~").
            where, where_params = chosen.where("m", *SCALARS)
            # How many of them pass the other filters (the total), read from the cells.
            total_sql = f"(SELECT coalesce(sum(g.n), 0) FROM g WHERE {total_where})"  # noqa: S608
            limit = int(exact_limit)
            every = (
                f"SELECT u.id, count(*) AS n FROM (SELECT unnest(m.{column}) AS id FROM m "  # noqa: S608 - constants and placeholders only
                f"WHERE {where} AND {total_sql} <= {limit}) u GROUP BY u.id"
            )
            # The sample is read from the facet rows through their sample index (one actor in
            # 16 carrying the label), not from ``m``: ``m`` (every actor carrying it) is then
            # never read.
            sample_where, sample_params = chosen.where("s", *SCALARS, other)
            sampled = (
                f"SELECT u.id, count(*) AS n FROM (SELECT unnest(s.{column}) AS id "  # noqa: S608 - constants and placeholders only
                f"FROM {ActorFacets._meta.db_table} s WHERE {sample_where} AND "
                f"(s.actor_id %% {SAMPLE_MODULUS}) < {SAMPLE_MODULUS // SAMPLES[-1]} AND "
                f"{total_sql} > {limit}) u GROUP BY u.id"
            )
            source = (
                f"SELECT c.id, c.n, '' AS mark FROM ({every}) c "  # noqa: S608 - constants and placeholders only
                f"UNION ALL SELECT c.id, c.n, '~' FROM ({sampled}) c"
            )
            where_params = [*where_params, *total_params, *sample_params, *total_params]
        elif words or getattr(filters, f"{other}s"):
            where, where_params = chosen.where("m", *SCALARS, other)
            # The matches grouped by their set of labels (or concepts) first: a few thousand
            # sets for tens of thousands of matches, each then unnested once (in the select
            # list: a set-returning projection costs about half a lateral function scan).
            source = (
                f"SELECT u.id, sum(u.n) AS n, '' AS mark FROM (SELECT unnest(y.{column}) AS id, "  # noqa: S608 - constants and placeholders only
                f"y.n FROM (SELECT m.{column}, count(*) AS n FROM m WHERE {where} "
                f"GROUP BY m.{column}) y) u GROUP BY u.id"
            )
        else:
            where, where_params = chosen.where("d", *SCALARS)
            source = (
                f"SELECT d.item_id AS id, sum(d.count) AS n, '' AS mark FROM {TABLE} d "  # noqa: S608 - constants and placeholders only
                f"WHERE d.kind = {kind} AND {where} GROUP BY d.item_id HAVING sum(d.count) <> 0"
            )
        params += where_params
        if name == "label":
            selects.append(
                "SELECT 'label' || c.mark, NULL, c.id, NULL, NULL, NULL, c.n::bigint "  # noqa: S608 - constants and placeholders only
                f"FROM ({source}) c"
            )
        else:
            selects.append(
                "SELECT 'concept' || c.mark, NULL, k.id, k.slug, k.label_fr, k.label_en, "  # noqa: S608 - constants and placeholders only
                f"c.n::bigint FROM ({source}) c JOIN core_concept k ON k.id = c.id"
            )

    # The page asked for: a search's best matches first when at most ``listed_above`` actors
    # match (ranked with ``search.actor_search_rank``'s weights, the vectors of those matches
    # only read again by key), else by name; any page of a listing filtered by labels or
    # concepts by name. The two branches are guarded by the total: one of them runs.
    if sample:
        cut_where, cut_params = chosen.where("m", *SCALARS, "label", "concept")
        selects.append("SELECT 'matches', NULL, NULL, NULL, NULL, NULL, count(*) FROM m")
        selects.append(
            "SELECT 'cut', NULL, NULL, c.name, NULL, NULL, 0::bigint FROM (SELECT m.name "  # noqa: S608 - constants and placeholders only
            f"FROM m WHERE {cut_where} ORDER BY m.name, m.actor_id "
            f"OFFSET {max(int(cut_position), 1) - 1} LIMIT 1) c"
        )
        params += cut_params
    listed = not sample and page_start is not None
    if listed and not (words or filters.labels or filters.concepts):
        # A listing by family, type, region, department or status: by name from the narrow
        # facet rows, whose name index holds those columns too: the index alone is read, up to
        # the page (actors' names follow their kind: walking the actors' own name index for
        # the universities of a region read 15,000 rows of the actors' table).
        where, where_params = chosen.where("f", *SCALARS)
        selects.append(
            "SELECT 'page', NULL, p.actor_id, NULL, NULL, NULL, "  # noqa: S608 - constants and placeholders only
            "row_number() OVER (ORDER BY p.name, p.actor_id) FROM (SELECT f.actor_id, f.name "
            f"FROM {ActorFacets._meta.db_table} f WHERE {where} "
            f"ORDER BY f.name, f.actor_id LIMIT {int(page_size)} OFFSET %s) p"
        )
        params += [*where_params, page_start]
    elif listed and single is not None and _walks(page_start, page_size, exact_limit):
        # A listing by one label (or concept) with more actors than ``exact_limit``: its first
        # pages are read by walking the facet rows' name index until they are full (a few
        # hundred rows for a label carried by one actor in ten), not by sorting every actor
        # carrying it; with fewer actors, from ``m``, which the exact counts read anyway.
        page_where, page_params = chosen.where("m", *SCALARS, "label", "concept")
        walk_where, walk_params = chosen.where("f", *SCALARS, "label", "concept")
        total_sql = f"(SELECT coalesce(sum(g.n), 0) FROM g WHERE {total_where})"  # noqa: S608
        limit = int(exact_limit)
        selects.append(
            "SELECT 'page', NULL, p.actor_id, NULL, NULL, NULL, "  # noqa: S608 - constants and placeholders only
            "row_number() OVER (ORDER BY p.name, p.actor_id) FROM (SELECT m.actor_id, m.name "
            f"FROM m WHERE {page_where} AND {total_sql} <= {limit} "
            f"ORDER BY m.name, m.actor_id LIMIT {int(page_size)} OFFSET %s) p"
        )
        params += [*page_params, *total_params, page_start]
        selects.append(
            "SELECT 'page', NULL, p.actor_id, NULL, NULL, NULL, "  # noqa: S608 - constants and placeholders only
            "row_number() OVER (ORDER BY p.name, p.actor_id) FROM (SELECT f.actor_id, f.name "
            f"FROM {ActorFacets._meta.db_table} f WHERE {walk_where} AND {total_sql} > {limit} "
            f"ORDER BY f.name, f.actor_id LIMIT {int(page_size)} OFFSET %s) p"
        )
        params += [*walk_params, *total_params, page_start]
    elif listed:
        page_where, page_params = chosen.where("m", *SCALARS, "label", "concept")
        total_sql = f"(SELECT coalesce(sum(g.n), 0) FROM g WHERE {total_where})"  # noqa: S608
        above = int(listed_above) if words else 0
        selects.append(
            "SELECT 'page', NULL, p.actor_id, NULL, NULL, NULL, "  # noqa: S608 - constants and placeholders only
            "row_number() OVER (ORDER BY p.name, p.actor_id) FROM (SELECT m.actor_id, m.name "
            f"FROM m WHERE {page_where} AND {total_sql} > {above} "
            f"ORDER BY m.name, m.actor_id LIMIT {int(page_size)} OFFSET %s) p"
        )
        params += [*page_params, *total_params, page_start]
        if words:
            rank_sql, rank_params = actor_search_rank_sql(filters.q, "v.vector")
            selects.append(
                "SELECT 'page', NULL, r.actor_id, NULL, NULL, NULL, "  # noqa: S608 - constants and placeholders only
                "row_number() OVER (ORDER BY r.rank DESC, r.name, r.actor_id) FROM "
                f"(SELECT m.actor_id, m.name, {rank_sql} AS rank FROM m "
                f"JOIN {ActorSearchIndex._meta.db_table} v ON v.actor_id = m.actor_id "
                f"WHERE {page_where} AND {total_sql} <= {above} "
                f"ORDER BY 3 DESC, m.name, m.actor_id LIMIT {int(page_size)} OFFSET %s) r"
            )
            params += [*rank_params, *page_params, *total_params, page_start]

    sql = "".join(statement) + " UNION ALL ".join(selects)
    # A listing by one label or concept may walk an index for its page: index scans allowed.
    if single is not None:
        with _match_settings(_WALK_SETTINGS):
            rows = _fetch(sql, params, forced=True)
    else:
        rows = _fetch(sql, params, forced=words or bool(filters.labels or filters.concepts))

    result = PgCounts(page=[] if listed else None, one_in=sample or 1)
    page = []
    for what, key, item, slug, label_fr, label_en, count in rows:
        if what.endswith("~"):  # counted in the sample of one actor in SAMPLES[-1]
            what = what[:-1]
            result.estimated.add(what)
            count = estimate(count, SAMPLES[-1])
        if what == "total":
            result.total = count
        elif what in ("family", "type"):
            result.scalars[what][item] = count
        elif what in SCALARS:
            if key:  # "" is an actor without a commune: no region or department to count
                result.scalars[what][key] = count
        elif what == "label":
            result.labels[item] = count
        elif what == "matches":
            result.matches = count
        elif what == "cut":
            result.cut = slug
        elif what == "concept":
            result.concepts.append(
                {
                    "concept_id": item,
                    "concept__slug": slug,
                    "concept__label_fr": label_fr,
                    "concept__label_en": label_en,
                    "count": count,
                }
            )
        else:
            page.append((count, item))
    if listed:
        result.page = [pk for _position, pk in sorted(page)]
    return result


# The pages of a listing by one label or concept read by walking the name index (see
# ``_statement_counts``): the first ones only. Past that, walking would read up to this many
# rows divided by the label's share of the actors (at least ``exact_limit`` of them).
WALKED_ROWS = 1000


def _walks(page_start: int | None, page_size: int, exact_limit: int | None) -> bool:
    return exact_limit is not None and (page_start or 0) + page_size <= WALKED_ROWS


def estimate(count: int, one_in: int) -> int:
    """``count`` actors of a sample of one actor in ``one_in`` as an estimate of all: scaled up
    and rounded to two significant figures (23,456 → 23,000), never 0 for a value the sample
    holds."""
    if count <= 0:
        return 0
    scaled = count * one_in
    digits = len(str(scaled))
    step = 10 ** max(digits - 2, 0)
    return max(round(scaled / step) * step, 1)


def _cut_position(page_start: int, page_size: int, one_in: int) -> int:
    """The position, among the sample's actors passing the filters by name, of the name up to
    which a page starting at ``page_start`` is listed: twice the rows the page needs, in the
    sample's proportion, and a few more, so that the rows up to that name almost never fall
    short (when they do, the page is listed from every match)."""
    return -(-2 * (page_start + page_size) // one_in) + 3


def _estimated(
    chosen: Chosen,
    sampled: PgCounts,
    *,
    page_start: int | None,
    page_size: int,
    listed_above: int,
    exact_limit: int,
) -> PgCounts:
    """The counts of a search whose words match many actors, from the sample ``sampled``:
    every facet estimated. The total is estimated too when many actors pass the filters (the
    page is then listed by name up to the sample's cut name, and only the first
    ``exact_limit`` can be paged through); when few do, they are read (through the indexes of
    the words and of the family, region and department) and the total is exact, the page best
    first."""
    one_in = sampled.one_in
    result = PgCounts(
        scalars={
            name: {key: estimate(count, one_in) for key, count in values.items()}
            for name, values in sampled.scalars.items()
        },
        labels={key: estimate(count, one_in) for key, count in sampled.labels.items()},
        concepts=[{**row, "count": estimate(row["count"], one_in)} for row in sampled.concepts],
        facets_exact=False,
        matches=sampled.matches,
        one_in=one_in,
    )
    many = estimate(sampled.total, one_in) > max(listed_above, 0)
    if many and sampled.cut is not None:
        start = page_start or 0
        page, before_cut = _page_by_name_until(chosen, sampled.cut, start, page_size)
        if before_cut >= start + page_size:
            result.total = estimate(sampled.total, one_in)
            result.total_exact = False
            result.page = page if page_start is not None else None
            return result
    total, page = _filtered_page(chosen, page_start or 0, page_size, listed_above)
    result.total = total
    result.page = page if page_start is not None else None
    return result


def _words_where(chosen: Chosen) -> tuple[str, list]:
    """The condition on the search rows ``s`` of the words and every filter."""
    match_sql, match_params = actor_search_tsquery_sql(chosen.filters.q)
    where, params = chosen.where("s", *SCALARS, "label", "concept")
    return f"s.vector @@ {match_sql} AND {where}", [*match_params, *params]


def _page_by_name_until(chosen: Chosen, cut: str, start: int, size: int) -> tuple[list[int], int]:
    """(ids of the page by name, how many actors pass up to the name ``cut``): the matches
    read are those whose name is not after ``cut`` (the words' index ANDed with the names')."""
    where, params = _words_where(chosen)
    rows = _fetch(
        f"SELECT s.actor_id, count(*) OVER () FROM {ActorSearchIndex._meta.db_table} s "  # noqa: S608 - constants and placeholders only
        f"WHERE {where} AND s.name <= %s ORDER BY s.name, s.actor_id LIMIT %s OFFSET %s",
        [*params, cut, size, start],
        forced=True,
    )
    return [pk for pk, _count in rows], (rows[0][1] if rows else 0)


def _filtered_page(
    chosen: Chosen, start: int, size: int, listed_above: int
) -> tuple[int, list[int]]:
    """(how many actors pass the words and every filter, the ids of the page starting at
    ``start``): best first when they are at most ``listed_above``, else by name."""
    where, params = _words_where(chosen)
    table = ActorSearchIndex._meta.db_table
    rank_sql, rank_params = actor_search_rank_sql(chosen.filters.q, "v.vector")
    above = int(listed_above)
    sql = (
        f"WITH f AS MATERIALIZED (SELECT s.actor_id, s.name FROM {table} s WHERE {where}), "  # noqa: S608 - constants and placeholders only
        "n AS (SELECT count(*) AS n FROM f) "
        "SELECT 'total', NULL::bigint, n.n FROM n "
        "UNION ALL SELECT 'page', p.actor_id, row_number() OVER (ORDER BY p.name, p.actor_id) "
        f"FROM (SELECT f.actor_id, f.name FROM f WHERE (SELECT n FROM n) > {above} "
        "ORDER BY f.name, f.actor_id LIMIT %s OFFSET %s) p "
        "UNION ALL SELECT 'page', r.actor_id, "
        "row_number() OVER (ORDER BY r.rank DESC, r.name, r.actor_id) FROM "
        f"(SELECT f.actor_id, f.name, {rank_sql} AS rank FROM f "
        f"JOIN {table} v ON v.actor_id = f.actor_id WHERE (SELECT n FROM n) <= {above} "
        "ORDER BY 3 DESC, f.name, f.actor_id LIMIT %s OFFSET %s) r"
    )
    rows = _fetch(sql, [*params, size, start, *rank_params, size, start], forced=True)
    total, page = 0, []
    for what, pk, number in rows:
        if what == "total":
            total = number
        else:
            page.append((number, pk))
    return total, [pk for _number, pk in sorted(page)]


def _fetch(sql: str, params: list, *, forced: bool) -> list[tuple]:
    if not forced or getattr(connection, "_ocim_match_settings", False):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with _match_settings():
        return _fetch(sql, params, forced=True)


@contextmanager
def _match_settings(chosen_settings=_MATCH_SETTINGS):
    """``chosen_settings`` (``_MATCH_SETTINGS`` unless said) for the statements run inside
    (one transaction, the settings set once for all of them). Local to the transaction: its end
    puts them back; inside another transaction they are put back here (the block adds no
    savepoint: an error marks that transaction for rollback, which undoes the settings too)."""
    if getattr(connection, "_ocim_match_settings", False):
        yield
        return
    names = [name for name, _value in chosen_settings]
    outer = connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            if outer:
                cursor.execute(
                    "SELECT " + ", ".join(["current_setting(%s)"] * len(names)),
                    names,
                )
                before = cursor.fetchone()
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [value for pair in chosen_settings for value in pair],
            )
        connection._ocim_match_settings = True
        try:
            yield
        finally:
            connection._ocim_match_settings = False
        if outer:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                    [value for pair in zip(names, before, strict=True) for value in pair],
                )


# --- Upkeep of the cells -----------------------------------------------------------------------

_RECOUNT = (
    f"SELECT {DirectoryCount.ACTORS}, 0::bigint, a.family_id, a.type_id, "  # noqa: S608 - constants only
    "coalesce(a.region_id, ''), coalesce(a.department_id, ''), a.status, count(*) "
    "FROM inventory_actor a GROUP BY 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT {DirectoryCount.LABELS}, l.label_id, a.family_id, a.type_id, "
    "coalesce(a.region_id, ''), coalesce(a.department_id, ''), a.status, count(*) "
    "FROM inventory_actor a JOIN inventory_actor_labels l ON l.actor_id = a.id "
    "GROUP BY 2, 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT {DirectoryCount.CONCEPTS}, c.concept_id, a.family_id, a.type_id, "
    "coalesce(a.region_id, ''), coalesce(a.department_id, ''), a.status, count(*) "
    "FROM inventory_actor a JOIN inventory_actor_concepts c ON c.actor_id = a.id "
    "GROUP BY 2, 3, 4, 5, 6, 7"
)
_KEY = f"kind, item_id, {CELL}"


def directory_counts_compact() -> int:
    """Add up the rows the triggers left for the same cell into one, and drop cells that add
    up to nothing (PostgreSQL; nothing to do elsewhere). Rows written meanwhile by others are
    left for the next time; the counts read before, during and after are the same. Returns
    the number of rows removed. Safe to run at any time, and twice."""
    if connection.vendor != "postgresql":
        return 0
    removed = _compact()
    if removed and not connection.in_atomic_block:
        # The counting statement reads the cells from their index alone (migration 0009) once
        # their pages are marked all-visible: the table is small, a vacuum takes milliseconds.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {TABLE}")
    return removed


def _compact() -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0  # another compaction is running
        cursor.execute(
            f"WITH several AS (SELECT {_KEY} FROM {TABLE} GROUP BY {_KEY} "  # noqa: S608 - constants only
            "HAVING count(*) > 1 OR sum(count) = 0), "
            f"gone AS (DELETE FROM {TABLE} d USING several s WHERE "
            + " AND ".join(f"d.{name} = s.{name}" for name in _KEY.split(", "))
            + f" RETURNING d.*), added AS (INSERT INTO {TABLE} ({_KEY}, count) "  # noqa: S608 - constants only
            f"SELECT {_KEY}, sum(count) FROM gone GROUP BY {_KEY} HAVING sum(count) <> 0 "
            "RETURNING 1) SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM added)"
        )
        return cursor.fetchone()[0]


def directory_counts_rebuild() -> int:
    """Count every cell again from the actors and their links (PostgreSQL), writers held off
    meanwhile so that the counts equal the data. Returns the number of rows written."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "LOCK TABLE inventory_actor, inventory_actor_labels, inventory_actor_concepts "
            "IN SHARE MODE"
        )
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - constants only
        cursor.execute(f"INSERT INTO {TABLE} ({_KEY}, count) {_RECOUNT}")
        return cursor.rowcount


def directory_counts_differences() -> list[tuple]:
    """The cells whose kept count differs from a recount of the actors (none when the triggers
    did their work): (kind, item, family, type, region, department, status, kept, actual)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH kept AS (SELECT {_KEY}, sum(count) AS n FROM {TABLE} GROUP BY {_KEY}), "  # noqa: S608 - constants only
            f"actual ({_KEY}, n) AS ({_RECOUNT}) "
            f"SELECT {', '.join(f'coalesce(k.{name}, a.{name})' for name in _KEY.split(', '))}, "
            "coalesce(k.n, 0), coalesce(a.n, 0) FROM kept k FULL JOIN actual a ON "
            + " AND ".join(f"k.{name} = a.{name}" for name in _KEY.split(", "))
            + " WHERE coalesce(k.n, 0) <> coalesce(a.n, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7"
        )
        return cursor.fetchall()
