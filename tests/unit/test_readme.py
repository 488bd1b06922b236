"""The README and .env.example stay true to the code: every environment variable the product reads
is documented in both, every `make` target the README names exists, the permissions it tells you to
grant are the ones the collectors need, and the files it links to are there.

The variables are found by reading the source (no import: a setting read only in some branch counts
too): env.<type>("NAME"), environ.Env().<type>("NAME"), FileAwareEnv().<type>("NAME"),
os.environ["NAME"], os.environ.get("NAME") and os.getenv("NAME"), in cspm/ and collectors/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cspm.accounts import permissions_guide

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SOURCES = ("cspm", "collectors")
ENV_METHODS = {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "path", "db", "db_url",
               "cache", "cache_url", "email", "email_url", "search_url", "get_value"}
# Read by other programs than the product's Python code, and documented for that reason.
READ_ELSEWHERE = {"WEB_CONCURRENCY",  # gunicorn, in the image
                  "CSPM_DEMO_DRIFT_EVERY"}  # docker-compose.yml, the demo profile's container


def _is_env_object(node: ast.expr) -> bool:
    """`env`, or a call that builds one: environ.Env(), environ.FileAwareEnv()."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name.endswith("Env")
    return False


def _is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def variables_read(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "env":
            name = _first_string(node)  # env("NAME")
            if name:
                names.add(name)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, method = node.func.value, node.func.attr
            if (_is_env_object(receiver) and method in ENV_METHODS) or \
                    (_is_os_environ(receiver) and method == "get") or \
                    (getattr(receiver, "id", "") == "os" and method == "getenv"):
                name = _first_string(node)
                if name:
                    names.add(name)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_os_environ(node.value):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
    return names


def product_variables() -> set[str]:
    names = set()
    for top in SOURCES:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            names |= variables_read(ast.parse(path.read_text(), filename=str(path)))
    names.discard("DJANGO_SETTINGS_MODULE")  # set by manage.py/wsgi for Django, not a setting of ours
    return names


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def documented_in_readme() -> set[str]:
    """The names in the first column of the configuration tables."""
    names = set()
    for line in section("Configuration").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def documented_in_env_example() -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.M))


def test_the_source_scan_finds_the_settings():
    """Guard the scanner itself: it must see reads of every shape the code uses."""
    found = product_variables()
    for name in ("SECRET_KEY", "DATABASE_URL", "CSPM_VAR_DIR", "CSPM_DEMO", "CSPM_AWS_PRINCIPAL", "CSPM_RATE_LIMITS"):
        assert name in found, name
    tree = ast.parse('import os\nenv.int("A")\nos.environ["B"]\nos.environ.get("C")\nos.getenv("D")\n'
                     'environ.FileAwareEnv().bool("E")\nos.environ["F"] = "1"\nother.str("G")\nenv("H")\n')
    assert variables_read(tree) == {"A", "B", "C", "D", "E", "H"}


def test_every_variable_the_product_reads_is_in_the_readme_configuration_table():
    missing = sorted(product_variables() - documented_in_readme())
    assert not missing, f"README.md's Configuration section does not document {missing}"


def test_every_variable_the_product_reads_is_in_env_example():
    missing = sorted(product_variables() - documented_in_env_example())
    assert not missing, f".env.example does not list {missing}"


def test_the_configuration_table_documents_nothing_the_product_no_longer_reads():
    stale = sorted(documented_in_readme() - product_variables() - READ_ELSEWHERE)
    assert not stale, f"README.md documents variables nothing reads: {stale}"
    stale = sorted(documented_in_env_example() - product_variables() - READ_ELSEWHERE)
    assert not stale, f".env.example lists variables nothing reads: {stale}"


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*):(?!=)", makefile, re.M))


def test_every_make_command_in_the_readme_exists():
    inline = re.findall(r"`make ([a-z][a-z0-9_-]*)", README)
    in_blocks = re.findall(r"^\s*(?:\$ )?make ([a-z][a-z0-9_-]*)", README, re.M)
    mentioned = set(inline) | set(in_blocks)
    assert {"demo", "test", "run"} <= mentioned
    missing = sorted(mentioned - make_targets())
    assert not missing, f"README.md names make targets the Makefile lacks: {missing}"


def test_the_readme_grants_exactly_what_the_collectors_need():
    """The onboarding sections list every permission the wizard generates (permissions_guide)."""
    onboarding = section("Onboarding a real account")
    for permission in (*permissions_guide.aws_actions(), *permissions_guide.gcp_permissions(),
                       *permissions_guide.azure_actions()):
        assert permission in onboarding, permission
    # and no action the collectors do not call (a stale or invented one)
    granted = set(re.findall(r'"((?:ec2|eks|iam|s3|organizations):[A-Za-z]+)"', onboarding))
    assert granted == set(permissions_guide.aws_actions())


def test_every_permission_the_readme_asks_for_only_reads():
    """"It only reads cloud configuration": the permissions (kept in step with the collectors' calls by
    the onboarding wizard's tests) are all reads."""
    assert all(re.fullmatch(r"[a-z0-9]+:(Describe|List|Get)[A-Za-z]+", a) for a in permissions_guide.aws_actions())
    assert all(re.fullmatch(r"[a-zA-Z.]+\.(get|list|getIamPolicy)", p) for p in permissions_guide.gcp_permissions())
    assert all(a.endswith("/read") for a in permissions_guide.azure_actions())


def test_the_files_the_readme_links_to_exist():
    links = re.findall(r"\]\(([^)#\s]+)\)", README)
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert "docs/dashboard.png" in local
    for link in local:
        assert (ROOT / link).exists(), link


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_links_to_its_own_sections():
    anchors = {_slug(h) for h in re.findall(r"^#{2,4} (.+)$", README, re.M)}
    for anchor in re.findall(r"\]\(#([^)]+)\)", README):
        assert anchor in anchors, anchor
