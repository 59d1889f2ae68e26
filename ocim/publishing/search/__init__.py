"""Full-text search of the publishing app (issues, articles, news, web articles).

- ``models``: ``SearchDocument``, one row per live, public page, holding only what the public
  may find (an article's body only once ``access.article_is_open`` says so);
- ``text``: accents, elision, stop words, Snowball stems, highlighted snippets;
- ``indexing``: the services that write the index (``search_document_update``,
  ``search_wall_sync``, ``search_rebuild``), called from ``search_hooks`` and ``services``;
- ``query``: the selector ``document_search`` (matching, ranking, facets) and ``search_hits``;
- ``forms`` and ``views``: the public search page (``publishing:search``).

PostgreSQL: tsvector + GIN with the ``french``/``english``/``simple`` configurations on
``unaccent``-ed text. SQLite: FTS5 over stems computed in Python.
"""
