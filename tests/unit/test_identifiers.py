"""collectors.identifiers: native account ids, regions and endpoint URLs, valid and hostile."""

import pytest

from collectors.errors import ValidationError
from collectors.identifiers import quote_input, validate_endpoint, validate_native_id, validate_regions

HUGE = "x" * 1_000_000
HOSTILE = [
    "\x00" * 10,
    "1234\x0056789012",
    "123456789012\x00",
    HUGE,
    "<script>alert(1)</script>",
    "\u202eevil\u202c",
    "line1\nline2",
    "\x1b[31mred\x1b[0m",
    "\uff41\uff42\uff43\uff44\uff45\uff46",  # fullwidth "abcdef"
    "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits: \d would take them, the rule must not
]


def assert_safe_message(message: str, value: object = None) -> None:
    """One line, short, and never more than ~60 characters of the input."""
    assert "\n" not in message and "\r" not in message and "\x00" not in message
    assert len(message) < 260, message
    if isinstance(value, str) and len(value) > 70:
        assert value[:70] not in message


# --- native ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "value", "expected"),
    [
        ("aws", "123456789012", "123456789012"),
        ("aws", "000000000001", "000000000001"),  # leading zeros are part of the id
        ("aws", " 123456789012\n", "123456789012"),  # pasted with whitespace
        ("gcp", "my-project", "my-project"),
        ("gcp", "abcdef", "abcdef"),  # 6: the shortest
        ("gcp", "a" + "b1-" * 9 + "cd", "a" + "b1-" * 9 + "cd"),  # 30: the longest
        ("gcp", "prod-123456", "prod-123456"),
        ("gcp", "example.com:my-project", "example.com:my-project"),  # legacy domain-scoped
        ("gcp", "google.com:cspm-demo-1", "google.com:cspm-demo-1"),
        ("azure", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b"),
        ("azure", "8F3C1E2A-7B4D-4E5F-9A6B-1C2D3E4F5A6B", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b"),
        ("azure", " 8f3C1e2A-7b4d-4E5f-9a6b-1c2d3e4f5a6b ", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b"),
    ],
)
def test_valid_native_ids_are_normalized(provider, value, expected):
    assert validate_native_id(provider, value) == expected


@pytest.mark.parametrize(
    ("provider", "value", "fragment"),
    [
        ("aws", "12345", "12 digits"),
        ("aws", "1234567890123", "12 digits"),
        ("aws", "12345678901a", "12 digits"),
        ("aws", "1234-5678-9012", "12 digits"),
        ("aws", "١٢٣٤٥٦٧٨٩٠١٢", "12 digits"),
        ("aws", "", "empty"),
        ("aws", "   ", "empty"),
        ("aws", 123456789012, "must be a string, not int"),
        ("aws", None, "must be a string, not NoneType"),
        ("aws", b"123456789012", "must be a string, not bytes"),
        ("gcp", "abcde", "6 to 30 characters"),
        ("gcp", "a" * 31, "6 to 30 characters"),
        ("gcp", "1project", "start with a lowercase letter"),
        ("gcp", "-project", "start with a lowercase letter"),
        ("gcp", "my-project-", "end with a hyphen"),
        ("gcp", "My-Project", "lowercase letters, digits and hyphens"),
        ("gcp", "Bad_Project!", "project"),
        ("gcp", "my_project", "lowercase letters, digits and hyphens"),
        ("gcp", "my project", "lowercase letters, digits and hyphens"),
        ("gcp", "my-prøject", "lowercase letters, digits and hyphens"),
        ("gcp", "example.com:", "6 to 30 characters"),
        ("gcp", ":my-project", "domain name"),
        ("gcp", "Example.com:my-project", "domain name"),
        ("gcp", "example:my-project", "domain name"),
        ("gcp", "a.com:b.com:my-project", "domain name"),
        ("gcp", "example.com:My-Project", "lowercase letters"),
        ("azure", "{8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b}", "no braces"),
        ("azure", "8f3c1e2a7b4d4e5f9a6b1c2d3e4f5a6b", "GUID"),
        ("azure", "not-a-guid", "GUID"),
        ("azure", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6g", "GUID"),
        ("azure", "urn:uuid:8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b", "GUID"),
        ("azure", "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b0", "GUID"),
        ("azure", "00000000-0000-0000-0000-000000000000", "nil GUID"),
    ],
)
def test_invalid_native_ids_are_refused_with_a_reason(provider, value, fragment):
    with pytest.raises(ValidationError) as err:
        validate_native_id(provider, value)
    assert fragment in str(err.value)
    assert_safe_message(str(err.value), value)


@pytest.mark.parametrize("provider", ["oracle", "AWS", "", "aws ", None, "x" * 10_000])
def test_unknown_provider_is_named_in_the_message(provider):
    with pytest.raises(ValidationError) as err:
        validate_native_id(provider, "123456789012")
    assert str(err.value).startswith("unknown provider ")
    assert str(err.value).endswith("(expected aws, gcp or azure)")
    assert_safe_message(str(err.value), provider)


def test_unknown_provider_message_quotes_the_provider():
    with pytest.raises(ValidationError) as err:
        validate_native_id("oracle", "x")
    assert str(err.value) == "unknown provider 'oracle' (expected aws, gcp or azure)"


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:12]))
def test_hostile_native_ids_are_refused_with_a_short_one_line_message(provider, value):
    with pytest.raises(ValidationError) as err:
        validate_native_id(provider, value)
    assert_safe_message(str(err.value), value)


def test_a_huge_input_is_shown_truncated():
    with pytest.raises(ValidationError) as err:
        validate_native_id("aws", HUGE)
    message = str(err.value)
    assert "x" * 60 in message and "x" * 61 not in message
    assert "…" in message


# --- quote_input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "'abc'"),
        ("a\nb", "'a\\nb'"),
        ("\x00", "'\\x00'"),
        ("\u202e", "'\\u202e'"),
        ("y" * 61, "'" + "y" * 60 + "'…"),
    ],
)
def test_quote_input_escapes_and_truncates(value, expected):
    assert quote_input(value) == expected


@pytest.mark.parametrize("value", ["\x00" * 1000, "\n" * 100_000, "\u202e" * 500, HUGE])
def test_quote_input_stays_short_whatever_the_input(value):
    shown = quote_input(value)
    assert len(shown) <= 64
    assert shown.isprintable()


# --- regions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "regions", "expected"),
    [
        ("aws", [], []),
        ("aws", ["us-east-1", "eu-central-1"], ["us-east-1", "eu-central-1"]),
        ("aws", ["us-gov-west-1", "cn-north-1", "cn-northwest-1"], ["us-gov-west-1", "cn-north-1", "cn-northwest-1"]),
        ("aws", ["ap-southeast-2", "me-central-1", "il-central-1"], ["ap-southeast-2", "me-central-1", "il-central-1"]),
        ("aws", ["us-iso-east-1", "us-isob-east-1"], ["us-iso-east-1", "us-isob-east-1"]),
        ("aws", ["us-east-1", " us-east-1 ", "eu-west-1"], ["us-east-1", "eu-west-1"]),  # stripped, de-duplicated
        ("aws", ("us-west-2",), ["us-west-2"]),
        ("gcp", ["us-central1", "europe-west4"], ["us-central1", "europe-west4"]),
        ("gcp", ["northamerica-northeast1", "asia-southeast2"], ["northamerica-northeast1", "asia-southeast2"]),
        ("azure", ["westeurope", "eastus2"], ["westeurope", "eastus2"]),
        ("azure", ["usgovvirginia", "chinanorth3", "eastus2euap"], ["usgovvirginia", "chinanorth3", "eastus2euap"]),
    ],
)
def test_valid_regions(provider, regions, expected):
    assert validate_regions(provider, regions) == expected


@pytest.mark.parametrize(
    ("provider", "regions", "fragment"),
    [
        ("aws", ["mars-1"], "invalid AWS region 'mars-1'"),
        ("aws", ["US-EAST-1"], "lowercase"),
        ("aws", ["us_east_1"], "invalid AWS region"),
        ("aws", ["useast1"], "invalid AWS region"),
        ("aws", ["us-east-1", "us-middle-1"], "'us-middle-1'"),
        ("aws", ["us-east-1a"], "is a zone"),
        ("aws", ["us-central1"], "invalid AWS region"),  # a GCP region
        ("aws", ["eastus2"], "invalid AWS region"),  # an Azure region
        ("aws", [""], "AWS region is empty"),
        ("aws", [None], "must be a string"),
        ("aws", [["us-east-1"]], "must be a string"),
        ("aws", "us-east-1", "must be a list"),
        ("aws", None, "must be a list"),
        ("aws", {"us-east-1": 1}, "must be a list"),
        ("aws", ["us-east-1"] * 201, "too many regions"),
        ("gcp", ["us-central1-a"], "is a zone"),
        ("gcp", ["uscentral1"], "invalid GCP region"),
        ("gcp", ["europe-west"], "invalid GCP region"),
        ("gcp", ["us-east-1"], "invalid GCP region"),
        ("gcp", ["Europe-West4"], "invalid GCP region"),
        ("azure", ["West Europe"], "invalid Azure region 'West Europe'"),
        ("azure", ["west-europe"], "invalid Azure region"),
        ("azure", ["WestEurope"], "invalid Azure region"),
        ("azure", ["us-east-1"], "invalid Azure region"),
        ("azure", ["2westeurope"], "invalid Azure region"),
        ("azure", ["westeurope\x00"], "invalid Azure region"),
        ("oracle", ["us-east-1"], "unknown provider 'oracle'"),
    ],
)
def test_invalid_regions_are_refused(provider, regions, fragment):
    with pytest.raises(ValidationError) as err:
        validate_regions(provider, regions)
    assert fragment in str(err.value)
    assert_safe_message(str(err.value))


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:12]))
def test_hostile_regions_are_refused(provider, value):
    with pytest.raises(ValidationError) as err:
        validate_regions(provider, [value])
    assert "region" in str(err.value)
    assert_safe_message(str(err.value), value)


def test_validate_regions_does_not_modify_its_argument():
    regions = [" us-east-1", "us-east-1"]
    assert validate_regions("aws", regions) == ["us-east-1"]
    assert regions == [" us-east-1", "us-east-1"]


# --- endpoints --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://management.chinacloudapi.cn", "https://management.chinacloudapi.cn"),
        ("https://s3.us-gov-west-1.amazonaws.com/", "https://s3.us-gov-west-1.amazonaws.com/"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://localhost:8443/v1", "http://localhost:8443/v1"),
        ("http://[::1]:8443/", "http://[::1]:8443/"),
        ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
        ("HTTPS://Example.COM:8443/Path", "https://example.com:8443/Path"),  # path case kept
        ("http://moto_server:5000", "http://moto_server:5000"),  # compose service names
        ("https://fake.example/api?x=1", "https://fake.example/api?x=1"),
        ("  https://example.com  ", "https://example.com"),
        ("https://example.com./", "https://example.com./"),
    ],
)
def test_valid_endpoints_are_normalized(url, expected):
    assert validate_endpoint(url) == expected


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "http:// or https://"),
        ("example.com", "http:// or https://"),
        ("//example.com/x", "http:// or https://"),
        ("https://user:pass@example.com", "user name or password"),
        ("https://user@example.com", "user name or password"),
        ("https://:pass@example.com", "user name or password"),
        ("https://example.com/#frag", "fragment"),
        ("https://example.com/#", "fragment"),
        ("https://", "no host"),
        ("http:///path", "no host"),
        ("http://:8080/", "no host"),
        ("http://example.com:99999", "bad host or port"),
        ("http://example.com:port", "bad host or port"),
        ("http://example.com:0", "port 0"),
        ("http://[::1", "bad host or port"),
        ("http://[::zz]/", "bad host or port"),
        ("http://256.1.1.1/", "invalid IPv4"),
        ("http://-bad-.example/", "invalid host name"),
        ("http://a..b/", "invalid host name"),
        ("http://" + "a" * 64 + ".example/", "invalid host name"),
        ("http://%65xample.com/", "invalid host name"),
        ("http://a b/", "not allowed in a URL"),
        ("http://example.com/\x00", "not allowed in a URL"),
        ("http://example.com\\@evil.example/", "not allowed in a URL"),
        ("https://exämple.com/", "not allowed in a URL"),
        ("http://example.com/<script>alert(1)</script>", "not allowed in a URL"),
        ("https://example.com/" + "a" * 500, "longer than 500"),
        ("", "empty"),
        (None, "must be a string"),
        (b"https://example.com", "must be a string"),
    ],
)
def test_invalid_endpoints_are_refused(url, fragment):
    with pytest.raises(ValidationError) as err:
        validate_endpoint(url)
    assert fragment in str(err.value)
    assert "URL" in str(err.value)
    assert_safe_message(str(err.value), url)


def test_endpoint_messages_never_echo_a_password():
    with pytest.raises(ValidationError) as err:
        validate_endpoint("https://admin:hunter2-S3cret@example.com/")
    assert "hunter2" not in str(err.value) and "admin" not in str(err.value)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:12]))
def test_hostile_endpoints_are_refused(value):
    with pytest.raises(ValidationError) as err:
        validate_endpoint(f"https://{value}")
    assert_safe_message(str(err.value), value)
