import pytest
from django.core.exceptions import ValidationError

from ocim.publishing.validators import (
    parse_ip_ranges,
    validate_doi,
    validate_ip_ranges,
    validate_issn,
    validate_orcid,
)


@pytest.mark.parametrize("value", ["0994-1908", "0317-8471", "2049-3630", "0000-006X"])
def test_valid_issns_pass(value):
    validate_issn(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0994-1907", "issn_check"),
        ("09941908", "issn_format"),
        ("0994-190x", "issn_format"),
        ("ABCD-1234", "issn_format"),
        ("", "issn_format"),
    ],
)
def test_bad_issns_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        validate_issn(value)
    assert error.value.code == code


@pytest.mark.parametrize(
    "value", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_valid_orcids_pass(value):
    validate_orcid(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0000-0002-1825-0098", "orcid_check"),
        ("https://orcid.org/0000-0002-1825-0097", "orcid_format"),
        ("0000-0002-1825-009", "orcid_format"),
    ],
)
def test_bad_orcids_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        validate_orcid(value)
    assert error.value.code == code


@pytest.mark.parametrize("value", ["10.4000/lettreocim.1234", "10.1000.10/abc(1)"])
def test_valid_dois_pass(value):
    validate_doi(value)


@pytest.mark.parametrize("value", ["https://doi.org/10.4000/x", "10.12/x", "10.4000/", "11.4000/x"])
def test_bad_dois_are_refused(value):
    with pytest.raises(ValidationError):
        validate_doi(value)


def test_ip_ranges_accept_cidr_v4_v6_and_single_addresses():
    networks = parse_ip_ranges("192.0.2.0/24\n2001:db8::/32, 198.51.100.7")
    assert [str(net) for net in networks] == ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"]


def test_ip_ranges_name_the_bad_entries():
    with pytest.raises(ValidationError) as error:
        validate_ip_ranges("192.0.2.0/24\nnot-an-ip\n300.1.1.1")
    assert "not-an-ip" in str(error.value.messages)
    assert "300.1.1.1" in str(error.value.messages)
