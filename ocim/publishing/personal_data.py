"""Personal data held by the publishing app (see ocim.core.personal_data)."""

from ocim.core import personal_data as pd

# An individual subscription is the person's own record: it goes with the account (CASCADE).
pd.register(
    "publishing.Subscription",
    "user",
    export=("kind", "starts_on", "ends_on", "created_at"),
    erase=pd.ON_DELETE,
)
# Following the magazine (to be told when articles open) goes with the account (CASCADE).
pd.register(
    "publishing.MagazineFollow", "user", export=("magazine", "created_at"), erase=pd.ON_DELETE
)
# That a reader was sent a digest (so that no one gets it twice) goes with the account.
pd.register(
    "publishing.WallDigestDelivery", "user", export=("digest", "sent_at"), erase=pd.ON_DELETE
)
