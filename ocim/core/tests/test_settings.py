import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ocim.settings.env import Env, read_dotenv


def _env(**values):
    return Env(environ=values)


@pytest.mark.parametrize("raw", ["1", "true", "True", "yes", "on"])
def test_bool_accepts_true_spellings(raw):
    assert _env(DEBUG=raw).bool("DEBUG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
def test_bool_reads_false_as_false(raw):
    # os.getenv("DEBUG") would make the string "False" true: the reader must not.
    assert _env(DEBUG=raw).bool("DEBUG", True) is False


def test_bool_refuses_nonsense_instead_of_guessing():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        _env(DEBUG="maybe").bool("DEBUG", False)


def test_int_and_list_are_parsed_and_defaults_apply():
    env = _env(PORT=" 8000 ", HOSTS="a.fr, b.fr,,")
    assert env.int("PORT", 1) == 8000
    assert env.list("HOSTS", []) == ["a.fr", "b.fr"]
    assert env.int("MISSING", 7) == 7
    assert env.list("MISSING", ["x"]) == ["x"]
    with pytest.raises(ImproperlyConfigured, match="PORT must be an integer"):
        _env(PORT="eighty").int("PORT", 1)


def test_required_variable_without_default_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        _env().str("SECRET_KEY")


def test_dotenv_does_not_override_the_process_environment(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nOCIM_T1='from file'\nexport OCIM_T2=two\nOCIM_T3=file\n")
    monkeypatch.setenv("OCIM_T3", "process")
    monkeypatch.delenv("OCIM_T1", raising=False)
    monkeypatch.delenv("OCIM_T2", raising=False)
    read_dotenv(dotenv)
    assert os.environ["OCIM_T1"] == "from file"
    assert os.environ["OCIM_T2"] == "two"
    assert os.environ["OCIM_T3"] == "process"


# Variables the test process may have that would change what a fresh process reads.
_SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
}


def _python(settings_module, code, **extra_env):
    """Run ``code`` in a fresh interpreter with ``settings_module`` and only ``extra_env``."""
    environment = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **extra_env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _start_production(extra_env):
    return _python(
        "ocim.settings.production", "import django; django.setup(); print('started')", **extra_env
    )


def test_production_refuses_to_start_without_secret_key():
    result = _start_production({"ALLOWED_HOSTS": "ocim.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start_production({"SECRET_KEY": "k" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_production_starts_with_both():
    result = _start_production({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "ocim.example.org"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def _settings_with(extra_env, expression):
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = _python("ocim.settings.dev", code, **extra_env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_embedded_default_is_sqlite_database_tasks_and_local_cache():
    out = _settings_with(
        {},
        "s.DATABASES['default']['ENGINE'], s.TASKS['default']['BACKEND'], "
        "s.CACHES['default']['BACKEND']",
    )
    assert "sqlite3" in out
    assert "django_tasks_db.DatabaseBackend" in out
    assert "LocMemCache" in out


def test_database_url_switches_to_postgresql():
    out = _settings_with(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ocim"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
    )
    assert out == "django.db.backends.postgresql ocim"


def test_redis_url_switches_cache_and_task_queue_to_redis():
    out = _settings_with(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], "
        "s.TASKS['default']['BACKEND'], s.RQ_QUEUES['fetch']['USE_REDIS_CACHE'], "
        "s.SESSION_ENGINE",
    )
    assert out.split() == [
        "ocim.core.cache.RedisCache",
        "redis://127.0.0.1:6379/3",
        "django_tasks_rq.RQBackend",
        "default",
        "django.contrib.sessions.backends.cached_db",
    ]


def _production_with_bucket(code):
    return _python(
        "ocim.settings.production",
        code,
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="ocim.example.org",
        AWS_STORAGE_BUCKET_NAME="ocim-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )


def test_production_puts_media_in_the_bucket_when_one_is_configured():
    # Read the settings module with django-storages made importable by a stand-in finder:
    # the S3 client itself is an optional extra that the test environment does not install.
    code = (
        "import importlib.machinery, sys, types\n"
        "sys.modules['storages'] = types.ModuleType('storages')\n"
        "sys.modules['storages'].__spec__ = importlib.machinery.ModuleSpec('storages', None)\n"
        "from ocim.settings import production as s\n"
        "print(s.STORAGES['default']['BACKEND'], s.AWS_S3_ENDPOINT_URL, s.AWS_QUERYSTRING_AUTH)"
    )
    result = _production_with_bucket(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "https://s3.example.org",
        "True",
    ]


def test_production_says_what_to_install_when_the_bucket_needs_django_storages():
    result = _production_with_bucket("import django; django.setup()")
    assert result.returncode != 0
    assert 'install the s3 extra (pip install -e ".[s3]")' in result.stderr
