"""The compose stack's keys: made once, private, never replaced; the settings read them from
the files *_FILE variables name."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def keygen(directory: Path) -> str:
    return subprocess.run([sys.executable, "-m", "cspm.keygen", str(directory)], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_keys_are_made_once_private_and_kept(tmp_path):
    keys = tmp_path / "keys"
    assert "generated secret_key, credentials_keys" in keygen(keys)
    secret, fernet = (keys / "secret_key").read_text(), (keys / "credentials_keys").read_text()
    assert len(secret) >= 50 and Fernet(fernet.encode())  # a valid Fernet key
    assert {oct((keys / n).stat().st_mode)[-3:] for n in ("secret_key", "credentials_keys")} == {"600"}
    assert "kept" in keygen(keys)
    assert (keys / "secret_key").read_text() == secret and (keys / "credentials_keys").read_text() == fernet


def test_the_settings_read_the_keys_from_their_files(tmp_path):
    keygen(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "CSPM_CREDENTIALS_KEYS")}
    env.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused", DEBUG="false",
               SECRET_KEY_FILE=str(tmp_path / "secret_key"),
               CSPM_CREDENTIALS_KEYS_FILE=str(tmp_path / "credentials_keys"), DJANGO_SETTINGS_MODULE="cspm.settings")
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; "
                          "print(settings.SECRET_KEY); print(settings.CSPM_CREDENTIALS_KEYS)"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == (tmp_path / "secret_key").read_text()
    assert out[1] == str([(tmp_path / "credentials_keys").read_text()])
