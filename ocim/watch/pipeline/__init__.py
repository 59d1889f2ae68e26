"""The watch's processing pipeline: from the bytes of a fetched feed or page to stored items.

Entry points other parts call (each module's docstring says more):

- ``ingest.source_document_ingest``: parse, normalise, sanitise, deduplicate, classify and
  store a fetched document (the fetcher calls it after a 200).
- ``pages.extraction_rules_clean``: validate a page source's extraction rules (source form).
- ``classify.classification_regex_clean``: validate a rule condition's regular expression.
- ``full_text.item_full_text_extract``: keep the main text of an item's linked page.
- ``retention.items_purge_expired``: delete items past the retention age (periodic job);
  ``retention.classification_orphans_delete``: delete the classification links a deletion left
  (periodic job; the links have no foreign keys in the database, docs/adr/0001).
"""
