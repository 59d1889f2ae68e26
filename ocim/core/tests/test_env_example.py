"""Every environment variable the settings read is documented for the people who deploy.

The settings read the environment only through ``env.<type>("NAME", ...)``; this test finds
those calls in ``ocim/settings/*.py`` and fails when a name is missing from ``.env.example`` or
from ``docs/configuration.md``, so a new setting cannot ship undocumented.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SETTINGS_DIR = ROOT / "ocim" / "settings"
ENV_READERS = {"str", "bool", "int", "list", "float", "path"}


def variables_read_by_settings() -> dict[str, str]:
    """Variable name → the settings module (file name) that reads it first."""
    found = {}
    for module in sorted(SETTINGS_DIR.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "env"
                and node.func.attr in ENV_READERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, module.name)
    return found


def names_in_env_file(text: str) -> set[str]:
    # Optional variables are listed commented out ("# REDIS_URL=redis://…"): both count.
    pattern = re.compile(r"^\s*(?:#\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(text))


def variables_in_env_example() -> set[str]:
    return names_in_env_file((ROOT / ".env.example").read_text(encoding="utf-8"))


def test_the_settings_read_their_environment_through_env():
    # Guards the scanner itself: if it found nothing, the checks below would pass vacuously.
    names = variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"} <= set(names)


def test_every_settings_variable_is_listed_in_env_example():
    missing = {
        name: module
        for name, module in variables_read_by_settings().items()
        if name not in variables_in_env_example()
    }
    assert not missing, f"add these variables to .env.example (read in): {missing}"


def test_every_settings_variable_is_described_in_the_configuration_doc():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = {
        name: module
        for name, module in variables_read_by_settings().items()
        if f"`{name}`" not in doc
    }
    assert not missing, f"describe these variables in docs/configuration.md: {missing}"


@pytest.mark.parametrize(
    "line", ["# REDIS_URL=redis://127.0.0.1:6379/0", "REDIS_URL=", "export REDIS_URL=x"]
)
def test_env_file_parser_accepts_set_and_commented_lines(line):
    assert names_in_env_file(f"# Cache and queues\n{line}\n") == {"REDIS_URL"}
