"""Sources for the fetcher's tests."""

from itertools import count

from ocim.watch.models import Source

_numbers = count(1)


def make_source(url, **fields):
    """An active source never read yet (so it is due), at ``url``."""
    number = next(_numbers)
    return Source.objects.create(title=fields.pop("title", f"Flux {number}"), url=url, **fields)
