"""Personal data held by the watch (see ocim.core.personal_data): a curator's own read marks
and saved filters. Both are theirs alone: exported with the account, gone with it (a shared
filter too: it names what its owner follows)."""

from ocim.core import personal_data as pd

pd.register("watch.ItemRead", "user", export=("item", "read_at"), erase=pd.DELETE)
pd.register(
    "watch.SavedFilter",
    "user",
    export=("name", "query", "shared", "created_at"),
    erase=pd.DELETE,
)
