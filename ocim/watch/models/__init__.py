from .fetching import FetchLog, FetchOutcome, FullTextFetch
from .items import ConceptOrigin, Item, ItemConcept, ItemRead, ItemSighting, Story
from .reading import MAX_SAVED_FILTERS, SavedFilter
from .rules import (
    ClassificationRule,
    ConditionField,
    ConditionOperator,
    RuleAction,
    RuleCondition,
    RuleMatch,
)
from .search import ItemSearchIndex
from .sources import (
    DEFAULT_INTERVAL_SECONDS,
    MAX_INTERVAL_SECONDS,
    MIN_INTERVAL_SECONDS,
    Host,
    Source,
    SourceCategory,
    SourceKind,
    SourceState,
)

__all__ = [
    "DEFAULT_INTERVAL_SECONDS",
    "MAX_INTERVAL_SECONDS",
    "MAX_SAVED_FILTERS",
    "MIN_INTERVAL_SECONDS",
    "ClassificationRule",
    "ConceptOrigin",
    "ConditionField",
    "ConditionOperator",
    "FetchLog",
    "FetchOutcome",
    "FullTextFetch",
    "Host",
    "Item",
    "ItemConcept",
    "ItemRead",
    "ItemSearchIndex",
    "ItemSighting",
    "RuleAction",
    "RuleCondition",
    "RuleMatch",
    "SavedFilter",
    "Source",
    "SourceCategory",
    "SourceKind",
    "SourceState",
    "Story",
]
