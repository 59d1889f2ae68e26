"""The real INSEE files shipped in ocim/core/data/geo-fr load completely, and twice safely."""

import pytest

from ocim.core.models import Commune, CommunePostalCode, Department, Region
from ocim.core.selectors import commune_search, communes_for_postal_code
from ocim.core.services import territories_load


@pytest.mark.django_db
def test_real_files_load_completely_and_idempotently():
    first = territories_load()

    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Commune.objects.count() == 34875
    postal_codes = CommunePostalCode.objects.count()
    assert postal_codes > 34875  # some communes have several postal codes
    assert first.communes.created == 34875
    assert not Commune.objects.filter(search_name="").exists()

    second = territories_load()

    assert not second.changed
    assert second.communes.unchanged == 34875
    assert Commune.objects.count() == 34875
    assert CommunePostalCode.objects.count() == postal_codes
    # The selectors work on the real data.
    assert [c.name for c in communes_for_postal_code("21000")] == ["Dijon"]
    assert commune_search("saint etienne", limit=1)[0].insee_code == "42218"
