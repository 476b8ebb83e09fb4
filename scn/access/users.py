"""Dashboard users: staff see every city, an official sees only their own. Passwords are stored hashed
(werkzeug.security, scrypt) in ``secrets/users.json``; nothing else about a person is kept."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from scn import vocabularies
from scn.settings import paths

ROLES = vocabularies.user_roles()  # transforms/seeds/user_roles.csv
# checked when the name is unknown, so a wrong user name costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class User:
    """Who is looking: ``city_id`` is set for officials and None for staff."""

    username: str
    role: str
    city_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    def can_see(self, city_id: str | None) -> bool:
        """Staff see every city (and network-wide data); an official only their own city."""
        return self.is_staff or (city_id is not None and city_id == self.city_id)


def users_file() -> Path:
    return paths().secrets / "users.json"


def _load() -> dict[str, dict]:
    f = users_file()
    return json.loads(f.read_text()) if f.exists() else {}


def add_user(username: str, role: str, city_id: str | None, password: str) -> None:
    """Add or update a user; the password is stored as a salted scrypt hash, the file is 0600."""
    username = username.strip()
    if not username:
        raise ValueError("a user needs a name")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if role == "official" and not city_id:
        raise ValueError("an official needs a city_id")
    users = _load()
    users[username] = {"role": role, "city_id": city_id if role == "official" else None,
                       "password_hash": generate_password_hash(password)}
    target = users_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(users, indent=1, sort_keys=True))
    tmp.chmod(0o600)
    tmp.replace(target)


def get_user(username: str) -> User | None:
    """The user of that name, or None."""
    rec = _load().get(username)
    return User(username, rec["role"], rec.get("city_id")) if rec else None


def verify(username: str, password: str) -> User | None:
    """The user when the password matches, else None."""
    rec = _load().get(username)
    if not check_password_hash(rec["password_hash"] if rec else _DUMMY_HASH, password) or not rec:
        return None
    return User(username, rec["role"], rec.get("city_id"))


def has_users() -> bool:
    """Whether any user has been added (the users file exists)."""
    return users_file().exists()
