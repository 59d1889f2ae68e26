"""Personal data held by the inventory (see ocim.core.personal_data).

Actors are organisations, not people. What links them to a person is the staff member who
changed a record (the history) or imported a file: the person's download lists those changes
and imports; on account deletion the history and the imports stay (the evidence of how the
inventory was kept) and only the link to the account is cleared.
"""

from ocim.core import personal_data as pd

pd.register(
    "inventory.ActorRevision",
    "user",
    export=("actor", "created_at", "source", "source_detail"),
    erase=pd.SET_NULL,
)
pd.register(
    "inventory.ImportJob",
    "created_by",
    export=("source", "status", "created_at"),
    erase=pd.SET_NULL,
)
