"""collectors.credentials: every accepted form, every refusal, and no secret in any message."""

import json

import pytest

from collectors.credentials import GCP_SA_REQUIRED, MAX_DOCUMENT_BYTES, describe_credentials, parse_credentials
from collectors.errors import CredentialsError

# Secret values: none of them may ever appear in an error message or a description.
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_SESSION_TOKEN = "FQoGZXIvYXdzEBYaDHqa0AP1/EXAMPLE+SESSION+TOKEN/zc1MTc4NzM="
AWS_EXTERNAL_ID = "Ext-Id_8842:acme/cspm@corp"
AZURE_SECRET = "s3cr3t-Azure~value.1234"
GCP_KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7SECRETKEYBODY"
GCP_PRIVATE_KEY = f"-----BEGIN PRIVATE KEY-----\n{GCP_KEY_BODY}\nQ2xvdWRLZXlNYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
ACCESS_TOKEN = "ya29.a0AfH6SMC-secret_token~value/Zx9="
SECRETS = [AWS_SECRET, AWS_SESSION_TOKEN, AWS_EXTERNAL_ID, AZURE_SECRET, GCP_KEY_BODY, ACCESS_TOKEN]

ROLE_ARN = "arn:aws:iam::123456789012:role/cspm-reader"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

AWS_KEYS = {"access_key_id": AWS_KEY_ID, "secret_access_key": AWS_SECRET}
AWS_ROLE = {"role_arn": ROLE_ARN}
GCP_SA = {
    "type": "service_account",
    "project_id": "acme-prod-123",
    "private_key_id": "4f1c7d0b9e2a6c3f8d5b1a0e7c9f2d4b6a8e0c1f",
    "private_key": GCP_PRIVATE_KEY,
    "client_email": "cspm-reader@acme-prod-123.iam.gserviceaccount.com",
    "client_id": "113456789012345678901",
    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "token_uri": "https://oauth2.googleapis.com/token",
    "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
    "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/cspm-reader",
    "universe_domain": "googleapis.com",
}
AZURE_SP = {"tenant_id": TENANT, "client_id": CLIENT, "client_secret": AZURE_SECRET}
TOKEN = {"type": "access_token", "token": ACCESS_TOKEN}


def dumps(doc) -> str:
    return json.dumps(doc)


def assert_no_secret(text: str) -> None:
    """Neither a secret nor any 10-character piece of one."""
    for secret in SECRETS:
        for start in range(len(secret) - 9):
            assert secret[start : start + 10] not in text, f"a piece of a secret leaked: {text!r}"


def refused(provider, raw) -> str:
    with pytest.raises(CredentialsError) as err:
        parse_credentials(provider, raw)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message and "\x00" not in message
    assert len(message) < 300, message
    assert_no_secret(message)
    return message


# --- accepted documents -----------------------------------------------------------------------

VALID = [
    ("aws", AWS_KEYS, "aws_keys", AWS_KEYS),
    ("aws", {**AWS_KEYS, "session_token": AWS_SESSION_TOKEN}, "aws_keys", {"session_token": AWS_SESSION_TOKEN}),
    (
        "aws",
        {"access_key_id": "ASIAIOSFODNN7EXAMPLE", "secret_access_key": AWS_SECRET, "session_token": AWS_SESSION_TOKEN},
        "aws_keys",
        {"access_key_id": "ASIAIOSFODNN7EXAMPLE"},
    ),
    ("aws", {"access_key_id": "AIDAIOSFODNN7EXAMPLE", "secret_access_key": AWS_SECRET}, "aws_keys", {}),
    ("aws", AWS_ROLE, "aws_role", AWS_ROLE),
    (
        "aws",
        {"role_arn": ROLE_ARN, "external_id": AWS_EXTERNAL_ID, "session_name": "cspm-poll"},
        "aws_role",
        {"external_id": AWS_EXTERNAL_ID, "session_name": "cspm-poll"},
    ),
    ("aws", {"role_arn": "arn:aws:iam::123456789012:role/security/audit/Reader+=,.@_-"}, "aws_role", {}),
    ("aws", {"role_arn": "arn:aws-cn:iam::123456789012:role/cspm"}, "aws_role", {}),
    ("aws", {"role_arn": "arn:aws-us-gov:iam::123456789012:role/cspm"}, "aws_role", {}),
    ("aws", {"role_arn": ROLE_ARN, "external_id": "ab"}, "aws_role", {}),  # 2: the shortest
    ("aws", {"role_arn": ROLE_ARN, "external_id": "a" * 1224}, "aws_role", {}),  # the longest
    ("aws", {"role_arn": "arn:aws:iam::123456789012:role/" + "r" * 64}, "aws_role", {}),
    ("aws", {**AWS_KEYS, "kind": "aws_keys"}, "aws_keys", AWS_KEYS),  # a parsed result parses again
    ("gcp", GCP_SA, "gcp_service_account", GCP_SA),  # extra key-file fields are kept
    ("gcp", {**GCP_SA, "token_uri": "http://127.0.0.1:8089/token"}, "gcp_service_account", {}),
    ("gcp", {**GCP_SA, "token_uri": "http://localhost/token"}, "gcp_service_account", {}),
    ("gcp", {**GCP_SA, "project_id": "example.com:acme-prod"}, "gcp_service_account", {}),
    (
        "gcp",
        {**GCP_SA, "private_key": GCP_PRIVATE_KEY.replace("\n", "\r\n")},  # Windows line ends
        "gcp_service_account",
        {},
    ),
    ("gcp", {k: v for k, v in GCP_SA.items() if k in ("type", *GCP_SA_REQUIRED)}, "gcp_service_account", {}),
    ("gcp", TOKEN, "access_token", TOKEN),
    ("azure", AZURE_SP, "azure_service_principal", AZURE_SP),
    (
        "azure",
        {"tenant_id": TENANT.upper(), "client_id": CLIENT.upper(), "client_secret": AZURE_SECRET},
        "azure_service_principal",
        {"tenant_id": TENANT, "client_id": CLIENT},  # GUIDs normalized to lowercase
    ),
    ("azure", TOKEN, "access_token", TOKEN),
]


@pytest.mark.parametrize(("provider", "doc", "kind", "expected"), VALID)
def test_valid_documents_are_parsed_with_their_kind(provider, doc, kind, expected):
    creds = parse_credentials(provider, dumps(doc))
    assert type(creds) is dict
    assert creds["kind"] == kind
    assert all(isinstance(value, str) for value in creds.values())
    assert {name: creds[name] for name in expected} == expected
    assert set(creds) == set(doc) | {"kind"}


@pytest.mark.parametrize(("provider", "doc", "kind", "expected"), VALID)
def test_parsing_is_idempotent_and_accepts_bytes(provider, doc, kind, expected):
    creds = parse_credentials(provider, dumps(doc).encode())
    assert parse_credentials(provider, dumps(creds)) == creds
    assert parse_credentials(provider, bytearray(dumps(doc).encode())) == creds
    assert parse_credentials(provider, memoryview(dumps(doc).encode())) == creds


def test_a_byte_order_mark_is_accepted():
    assert parse_credentials("azure", b"\xef\xbb\xbf" + dumps(AZURE_SP).encode())["kind"] == "azure_service_principal"


def test_pretty_printed_key_file_is_accepted():
    assert parse_credentials("gcp", json.dumps(GCP_SA, indent=2))["client_email"] == GCP_SA["client_email"]


def test_size_limit_is_64_kib_inclusive():
    doc = {**GCP_SA, "padding": ""}
    doc["padding"] = "p" * (MAX_DOCUMENT_BYTES - len(dumps(doc).encode()))
    assert len(dumps(doc).encode()) == MAX_DOCUMENT_BYTES
    assert parse_credentials("gcp", dumps(doc))["kind"] == "gcp_service_account"
    doc["padding"] += "p"
    assert "larger than 64 KiB" in refused("gcp", dumps(doc))
    assert "larger than 64 KiB" in refused("gcp", dumps(doc).encode())


# --- refused documents ------------------------------------------------------------------------

INVALID = [
    # the document itself
    ("aws", "{not json", "not valid JSON (line 1, column 2)"),
    ("aws", "", "not valid JSON"),
    ("aws", "[]", "must be a JSON object, not an array"),
    ("aws", '"AKIAIOSFODNN7EXAMPLE"', "must be a JSON object, not a string"),
    ("aws", "null", "must be a JSON object, not null"),
    ("aws", "42", "must be a JSON object, not a number"),
    ("aws", b"\xff\xfe{\x00}", "not valid UTF-8"),
    ("aws", b'{"access_key_id": "\xc3\x28"}', "not valid UTF-8"),
    ("aws", "\ud800", "not valid Unicode"),
    ("aws", '{"secret_access_key": "a", "secret_access_key": "b"}', "'secret_access_key' appears twice"),
    ("aws", '{"access_key_id": NaN}', "NaN and Infinity"),
    ("aws", "[" * 60_000, "not valid JSON"),
    ("aws", '{"a": 1' + "0" * 10_000 + "}", "not valid JSON"),
    ("aws", "x" * 1_000_000, "larger than 64 KiB"),
    ("aws", b"x" * 1_000_000, "larger than 64 KiB"),
    ("aws", None, "must be bytes or text, not NoneType"),
    ("aws", AWS_KEYS, "must be bytes or text, not dict"),
    ("aws", 42, "must be bytes or text, not int"),
    ("oracle", dumps(AWS_KEYS), "unknown provider 'oracle' (expected aws, gcp or azure)"),
    ("AWS", dumps(AWS_KEYS), "unknown provider 'AWS'"),
    (None, dumps(AWS_KEYS), "unknown provider NoneType"),
    # values: strings only, no control characters
    ("aws", dumps({**AWS_KEYS, "secret_access_key": 12}), "'secret_access_key' must be a string, not a number"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": None}), "must be a string, not null"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": True}), "must be a string, not a boolean"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": [AWS_SECRET]}), "must be a string, not an array"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": {"v": AWS_SECRET}}), "must be a string, not an object"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": AWS_SECRET + "\x00"}), "'secret_access_key' contains control"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": "short\u0000"}), "contains control"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "\x1b[31mAKIA"}), "'access_key_id' contains control"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "AKIA\x85"}), "contains control"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "AKIA\x7f"}), "contains control"),
    ("aws", '{"access_key_id": "\\ud800"}', "contains control or invalid characters"),
    ("aws", dumps({"\x00": "x", **AWS_KEYS}), "empty or unprintable name"),
    ("aws", dumps({"": "x", **AWS_KEYS}), "empty or unprintable name"),
    ("gcp", dumps({**GCP_SA, "auth_uri": "https://a\x00"}), "'auth_uri' contains control"),
    ("gcp", dumps({**GCP_SA, "private_key": GCP_PRIVATE_KEY + "\x00"}), "'private_key' contains control"),
    ("gcp", dumps({**GCP_SA, "private_key": GCP_PRIVATE_KEY.replace("\n", "\t")}), "'private_key' contains control"),
    ("gcp", dumps({**GCP_SA, "universe_domain": 5}), "'universe_domain' must be a string"),
    # AWS access keys
    ("aws", dumps({}), "need access_key_id and secret_access_key, or role_arn"),
    ("aws", dumps({"AccessKeyId": AWS_KEY_ID}), "or role_arn (unknown field 'AccessKeyId')"),
    ("aws", dumps({"access_key_id": AWS_KEY_ID}), "missing field secret_access_key"),
    ("aws", dumps({"secret_access_key": AWS_SECRET}), "missing field access_key_id"),
    ("aws", dumps({"session_token": AWS_SESSION_TOKEN}), "missing fields access_key_id, secret_access_key"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": ""}), "'access_key_id' is empty"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "AKIBIOSFODNN7EXAMPLE"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "akiaiosfodnn7example"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "AKIAIOSFODNN7EXAMPL"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "AKIAIOSFODNN7EXAMPLEX"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": " AKIAIOSFODNN7EXAMPLE"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "access_key_id": "<script>alert(1)</script>"}), "'access_key_id' is invalid"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": ""}), "'secret_access_key' is empty"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": AWS_SECRET[:-1]}), "'secret_access_key' is invalid"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": AWS_SECRET + "A"}), "'secret_access_key' is invalid"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": AWS_SECRET[:-1] + "-"}), "'secret_access_key' is invalid"),
    ("aws", dumps({**AWS_KEYS, "secret_access_key": AWS_SECRET[:-1] + " "}), "'secret_access_key' is invalid"),
    ("aws", dumps({**AWS_KEYS, "session_token": ""}), "'session_token' is empty"),
    ("aws", dumps({**AWS_KEYS, "session_token": AWS_SESSION_TOKEN + "!"}), "'session_token' is invalid"),
    ("aws", dumps({**AWS_KEYS, "session_token": "c2hvcnQ="}), "'session_token' is invalid"),
    (
        "aws",
        dumps({"access_key_id": "ASIAIOSFODNN7EXAMPLE", "secret_access_key": AWS_SECRET}),
        "ASIA are temporary: session_token is missing",
    ),
    ("aws", dumps({**AWS_KEYS, "region": "us-east-1"}), "unknown field 'region' in AWS access-key credentials"),
    ("aws", dumps({**AWS_KEYS, "type": "access_token"}), "unknown field 'type'"),
    ("aws", dumps({**AWS_KEYS, "kind": "aws_role"}), "'kind' does not match"),
    # AWS roles, and no mixing of the two forms
    ("aws", dumps({**AWS_KEYS, "role_arn": ROLE_ARN}), "mix access keys (access_key_id, secret_access_key)"),
    ("aws", dumps({"access_key_id": AWS_KEY_ID, "external_id": AWS_EXTERNAL_ID}), "mix access keys"),
    ("aws", dumps({"external_id": AWS_EXTERNAL_ID}), "missing field role_arn"),
    ("aws", dumps({**AWS_ROLE, "duration_seconds": "3600"}), "unknown field 'duration_seconds' in AWS role"),
    ("aws", dumps({"role_arn": ""}), "'role_arn' is empty"),
    ("aws", dumps({"role_arn": "arn:aws:iam::12345:role/cspm"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws:iam::123456789012:user/cspm"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws:iam::123456789012:role/"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws:iam::123456789012:role/" + "r" * 65}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws-eu:iam::123456789012:role/cspm"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws:sts::123456789012:role/cspm"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": "arn:aws:iam::123456789012:role/a b"}), "'role_arn' is invalid"),
    ("aws", dumps({"role_arn": ROLE_ARN + "<script>"}), "'role_arn' is invalid"),
    ("aws", dumps({**AWS_ROLE, "external_id": "a"}), "'external_id' is invalid"),
    ("aws", dumps({**AWS_ROLE, "external_id": "a" * 1225}), "'external_id' is invalid"),
    ("aws", dumps({**AWS_ROLE, "external_id": AWS_EXTERNAL_ID + " x"}), "'external_id' is invalid"),
    ("aws", dumps({**AWS_ROLE, "external_id": ""}), "'external_id' is empty"),
    ("aws", dumps({**AWS_ROLE, "session_name": "a"}), "'session_name' is invalid"),
    ("aws", dumps({**AWS_ROLE, "session_name": "a" * 65}), "'session_name' is invalid"),
    ("aws", dumps({**AWS_ROLE, "session_name": "cspm:poll"}), "'session_name' is invalid"),
    # GCP service-account key files
    ("gcp", dumps({k: v for k, v in GCP_SA.items() if k != "type"}), "need a 'type' field"),
    ("gcp", dumps({**GCP_SA, "type": "authorized_user"}), "of type 'authorized_user' are not supported"),
    ("gcp", dumps({**GCP_SA, "type": "external_account"}), "of type 'external_account' are not supported"),
    ("gcp", dumps({**GCP_SA, "type": "Service_Account"}), "of this type are not supported"),
    ("gcp", dumps({**GCP_SA, "type": ""}), "of this type are not supported"),
    ("gcp", dumps(AWS_KEYS), "need a 'type' field"),
    *[
        ("gcp", dumps({k: v for k, v in GCP_SA.items() if k != name}), f"missing field {name}")
        for name in GCP_SA_REQUIRED
    ],
    ("gcp", dumps({"type": "service_account"}), "missing fields project_id, private_key_id, private_key"),
    ("gcp", dumps({**GCP_SA, "project_id": "Bad_Project!"}), "'project_id' is invalid"),
    ("gcp", dumps({**GCP_SA, "project_id": ""}), "'project_id' is invalid"),
    ("gcp", dumps({**GCP_SA, "private_key_id": ""}), "'private_key_id' is empty"),
    ("gcp", dumps({**GCP_SA, "private_key_id": "abc def"}), "'private_key_id' is invalid"),
    ("gcp", dumps({**GCP_SA, "private_key": ""}), "'private_key' is empty"),
    ("gcp", dumps({**GCP_SA, "private_key": GCP_KEY_BODY}), "'private_key' is invalid"),
    (
        "gcp",
        dumps({**GCP_SA, "private_key": GCP_PRIVATE_KEY.replace("PRIVATE", "RSA PRIVATE")}),  # PKCS#1
        "'private_key' is invalid",
    ),
    ("gcp", dumps({**GCP_SA, "private_key": GCP_PRIVATE_KEY.split("-----END")[0]}), "'private_key' is invalid"),
    (
        "gcp",
        dumps({**GCP_SA, "private_key": "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"}),
        "'private_key' is invalid",
    ),
    ("gcp", dumps({**GCP_SA, "private_key": " " + GCP_PRIVATE_KEY}), "'private_key' is invalid"),
    ("gcp", dumps({**GCP_SA, "private_key": GCP_PRIVATE_KEY + "trailing"}), "'private_key' is invalid"),
    ("gcp", dumps({**GCP_SA, "client_email": "not-an-email"}), "'client_email' is invalid"),
    ("gcp", dumps({**GCP_SA, "client_email": "a@b"}), "'client_email' is invalid"),
    ("gcp", dumps({**GCP_SA, "client_email": "<script>@x.com"}), "'client_email' is invalid"),
    ("gcp", dumps({**GCP_SA, "client_id": "abc"}), "'client_id' is invalid"),
    ("gcp", dumps({**GCP_SA, "client_id": "1" * 33}), "'client_id' is invalid"),
    ("gcp", dumps({**GCP_SA, "token_uri": ""}), "'token_uri' is empty"),
    ("gcp", dumps({**GCP_SA, "token_uri": "http://oauth2.googleapis.com/token"}), "'token_uri' is invalid"),
    ("gcp", dumps({**GCP_SA, "token_uri": "http://169.254.169.254/token"}), "'token_uri' is invalid"),
    ("gcp", dumps({**GCP_SA, "token_uri": "ftp://127.0.0.1/token"}), "'token_uri' is invalid"),
    ("gcp", dumps({**GCP_SA, "token_uri": "https://u:p@oauth2.googleapis.com/token"}), "'token_uri' is invalid"),
    ("gcp", dumps({**GCP_SA, "token_uri": "oauth2.googleapis.com"}), "'token_uri' is invalid"),
    ("gcp", dumps({**GCP_SA, "kind": "access_token"}), "'kind' does not match"),
    # access tokens (GCP and Azure)
    ("gcp", dumps({"type": "access_token"}), "missing field token"),
    ("gcp", dumps({**TOKEN, "token": ""}), "'token' is empty"),
    ("gcp", dumps({**TOKEN, "token": ACCESS_TOKEN + " x"}), "'token' is invalid"),
    ("gcp", dumps({**TOKEN, "token": "Bearer " + ACCESS_TOKEN}), "'token' is invalid"),
    ("gcp", dumps({**TOKEN, "expires_at": "2030-01-01"}), "unknown field 'expires_at' in GCP access-token"),
    ("azure", dumps({**TOKEN, "token": "<script>alert(1)</script>"}), "'token' is invalid"),
    ("azure", dumps({**TOKEN, **AZURE_SP}), "unknown field 'tenant_id' in Azure access-token"),
    # Azure service principals
    ("azure", dumps({**AZURE_SP, "type": "managed_identity"}), "of this type are not supported"),
    ("azure", dumps({"type": "service_account"}), "of this type are not supported"),
    *[
        ("azure", dumps({k: v for k, v in AZURE_SP.items() if k != name}), f"missing field {name}")
        for name in AZURE_SP
    ],
    ("azure", dumps({}), "missing fields tenant_id, client_id, client_secret"),
    ("azure", dumps({**AZURE_SP, "subscription_id": CLIENT}), "unknown field 'subscription_id'"),
    ("azure", dumps({**AZURE_SP, "tenant_id": "contoso.onmicrosoft.com"}), "'tenant_id' is invalid: expected a GUID"),
    ("azure", dumps({**AZURE_SP, "tenant_id": "{" + TENANT + "}"}), "'tenant_id' is invalid"),
    ("azure", dumps({**AZURE_SP, "client_id": CLIENT.replace("-", "")}), "'client_id' is invalid"),
    ("azure", dumps({**AZURE_SP, "client_id": "00000000-0000-0000-0000-000000000000"}), "nil GUID"),
    ("azure", dumps({**AZURE_SP, "client_secret": ""}), "'client_secret' is empty"),
    ("azure", dumps({**AZURE_SP, "client_secret": AZURE_SECRET + " tail"}), "'client_secret' is invalid"),
    ("azure", dumps({**AZURE_SP, "client_secret": AZURE_SECRET + "é"}), "'client_secret' is invalid"),
    ("azure", dumps({**AZURE_SP, "client_secret": "s" * 1025}), "'client_secret' is invalid"),
    ("azure", dumps({**AZURE_SP, "client_secret": AZURE_SECRET + "\n"}), "'client_secret' contains control"),
    ("azure", dumps(AWS_KEYS), "unknown field 'access_key_id' in Azure"),
]


@pytest.mark.parametrize(("provider", "raw", "fragment"), INVALID, ids=lambda v: repr(v)[:40])
def test_invalid_documents_are_refused_with_a_one_line_reason(provider, raw, fragment):
    assert fragment in refused(provider, raw)


# --- secrets never leak -----------------------------------------------------------------------

# Documents where a secret sits right where a careless message would quote it.
LEAK_BAITS = [
    ("aws", {"access_key_id": AWS_KEY_ID, "secret_access_key": AWS_SECRET + "\x00"}),
    ("aws", {"access_key_id": AWS_KEY_ID, "secret_access_key": AWS_SECRET[:39]}),
    ("aws", {"access_key_id": AWS_SECRET, "secret_access_key": AWS_SECRET}),  # secret in the id field
    ("aws", {AWS_SECRET: AWS_KEY_ID}),  # a secret as a field name
    ("aws", {"role_arn": ROLE_ARN, AWS_SESSION_TOKEN: "x"}),
    ("aws", {**AWS_KEYS, "session_token": AWS_SESSION_TOKEN + " "}),
    ("aws", {"role_arn": AWS_EXTERNAL_ID, "external_id": AWS_EXTERNAL_ID}),
    ("aws", {"role_arn": ROLE_ARN, "external_id": AWS_EXTERNAL_ID + "\n"}),
    ("aws", {"role_arn": ROLE_ARN, "external_id": AWS_EXTERNAL_ID + " !"}),
    ("aws", {"role_arn": ROLE_ARN, "session_name": AWS_EXTERNAL_ID}),
    ("aws", {**AWS_KEYS, "role_arn": ROLE_ARN, "external_id": AWS_EXTERNAL_ID}),
    ("gcp", {**GCP_SA, "private_key": GCP_KEY_BODY}),
    ("gcp", {**GCP_SA, "private_key_id": GCP_KEY_BODY + "!"}),
    ("gcp", {**GCP_SA, "type": GCP_KEY_BODY}),
    ("gcp", {**GCP_SA, "client_email": GCP_KEY_BODY}),
    ("gcp", {**GCP_SA, "token_uri": f"https://x:{GCP_KEY_BODY}@oauth2.googleapis.com/"}),
    ("gcp", {**GCP_SA, "project_id": ACCESS_TOKEN}),
    ("gcp", {"type": "access_token", "token": ACCESS_TOKEN + "\x00"}),
    ("gcp", {"type": "access_token", "token": ACCESS_TOKEN + " " + ACCESS_TOKEN}),
    ("gcp", {"type": ACCESS_TOKEN, "token": ACCESS_TOKEN}),
    ("azure", {**AZURE_SP, "client_secret": AZURE_SECRET + " "}),
    ("azure", {**AZURE_SP, "tenant_id": AZURE_SECRET}),
    ("azure", {**AZURE_SP, "type": AZURE_SECRET}),
    ("azure", {**AZURE_SP, AZURE_SECRET: AZURE_SECRET}),
    ("azure", {"type": "access_token", "token": ACCESS_TOKEN, "client_secret": AZURE_SECRET}),
]


@pytest.mark.parametrize(("provider", "doc"), LEAK_BAITS, ids=lambda v: repr(v)[:40])
def test_no_error_message_contains_a_secret(provider, doc):
    message = refused(provider, dumps(doc))  # refused() checks every secret against the message
    assert message


def test_secret_values_do_not_leak_through_json_errors():
    raw = dumps(AWS_KEYS)[:-1]  # truncated: the decoder's own message would quote nothing, ours neither
    message = refused("aws", raw)
    assert "line 1" in message
    message = refused("aws", '{"secret_access_key": "' + AWS_SECRET + '" "x"}')
    assert "not valid JSON" in message


@pytest.mark.parametrize(("provider", "doc", "kind", "expected"), VALID)
def test_no_description_contains_a_secret(provider, doc, kind, expected):
    summary = describe_credentials(parse_credentials(provider, dumps(doc)))
    text = json.dumps(summary, ensure_ascii=False)
    assert_no_secret(text)
    assert AWS_KEY_ID not in text and "PRIVATE KEY" not in text
    assert summary["kind"] == kind


# --- describe_credentials ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "doc", "summary"),
    [
        ("aws", AWS_KEYS, {"kind": "aws_keys", "access_key_id": "AKIA…MPLE", "has_session_token": False}),
        (
            "aws",
            {**AWS_KEYS, "session_token": AWS_SESSION_TOKEN},
            {"kind": "aws_keys", "access_key_id": "AKIA…MPLE", "has_session_token": True},
        ),
        ("aws", AWS_ROLE, {"kind": "aws_role", "role_arn": ROLE_ARN, "has_external_id": False}),
        (
            "aws",
            {**AWS_ROLE, "external_id": AWS_EXTERNAL_ID, "session_name": "cspm-poll"},
            {"kind": "aws_role", "role_arn": ROLE_ARN, "has_external_id": True, "session_name": "cspm-poll"},
        ),
        (
            "gcp",
            GCP_SA,
            {"kind": "gcp_service_account", "project_id": "acme-prod-123", "client_email": GCP_SA["client_email"]},
        ),
        ("gcp", TOKEN, {"kind": "access_token"}),
        ("azure", AZURE_SP, {"kind": "azure_service_principal", "tenant_id": TENANT, "client_id": CLIENT}),
        ("azure", TOKEN, {"kind": "access_token"}),
    ],
)
def test_describe_shows_kind_and_non_secret_identifiers(provider, doc, summary):
    assert describe_credentials(parse_credentials(provider, dumps(doc))) == summary


def test_describe_masks_a_short_access_key_id_entirely():
    assert describe_credentials({"kind": "aws_keys", "access_key_id": "AKIA123"})["access_key_id"] == "…"


@pytest.mark.parametrize("creds", [{}, {"kind": "password"}, {"kind": None}, {**AWS_KEYS}])
def test_describe_refuses_unparsed_credentials(creds):
    with pytest.raises(CredentialsError) as err:
        describe_credentials(creds)
    assert "kind" in str(err.value)
    assert_no_secret(str(err.value))


@pytest.mark.parametrize("creds", [None, "aws_keys", [("kind", "aws_keys")]])
def test_describe_refuses_what_is_not_a_mapping(creds):
    with pytest.raises(CredentialsError) as err:
        describe_credentials(creds)
    assert "must be a mapping" in str(err.value)


def test_parse_does_not_modify_or_keep_the_callers_text():
    raw = dumps(AZURE_SP).encode()
    creds = parse_credentials("azure", raw)
    creds["client_secret"] = "changed"
    assert parse_credentials("azure", raw)["client_secret"] == AZURE_SECRET
