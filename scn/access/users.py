"""Dashboard users: staff see every city, an official sees only their own. Passwords are stored hashed
(werkzeug.security, scrypt) in ``secrets/users.json``; nothing else about a person is kept.

Each user also has a random *session version*: a session cookie names the user and the version it was
issued under, and is honoured only while the user's version is unchanged. Log-out, a new password, an update
of the user and removing (then re-adding) the user all draw a new version, so every older cookie stops working.
Writers take a file lock, so concurrent log-outs and ``scn user`` commands never lose each other's changes.

A password can also be set through a one-time link (:func:`issue_reset`): a random token, stored only as its
SHA-256 with an expiry (``RESET_HOURS``), single use, replaced by a newer link; setting the password through it
(:func:`use_reset`) draws a new session version too. A user added without a password (``password=None``) can
sign in only once they have set one through such a link.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from scn import vocabularies
from scn.locks import exclusive
from scn.settings import paths

ROLES = vocabularies.user_roles()  # transforms/seeds/user_roles.csv
# a user name: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, 2 to 32 characters
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # characters; the log-in and staff forms read no more than this
MIN_DISTINCT = 4  # different characters a password needs ('aaaaaaaa' and '12121212' are refused)
CITY_ROLES = ("official", "reviewer")  # roles tied to one city
RESET_HOURS = 24  # a one-time password link expires after this
# checked when the name is unknown, so a wrong user name costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not a password")


class UserError(ValueError):
    """A user that cannot be added, changed or removed as asked (the message names the problem; ``code`` says
    which problem, for pages that word it in the reader's language)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class User:
    """Who is looking: ``city_id`` is set for officials and reviewers (a reviewer sees their city as its
    official does, plus the raw text of its review sample) and None for staff."""

    username: str
    role: str
    city_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def is_reviewer(self) -> bool:
        return self.role == "reviewer"

    def can_see(self, city_id: str | None) -> bool:
        """Staff see every city (and network-wide data); an official or a reviewer only their own city."""
        return self.is_staff or (city_id is not None and city_id == self.city_id)


def users_file() -> Path:
    return paths().secrets / "users.json"


def _load() -> dict[str, dict]:
    f = users_file()
    return json.loads(f.read_text()) if f.exists() else {}


@contextmanager
def _editing() -> Iterator[dict[str, dict]]:
    """The users, to change in place and save on exit, under a lock that other processes and threads respect."""
    target = users_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(target.with_name(".users.lock")):
        users = _load()
        yield users
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(users, indent=1, sort_keys=True))
        tmp.chmod(0o600)
        tmp.replace(target)


def _new_version() -> str:
    return secrets.token_hex(16)


def known_city_ids() -> set[str]:
    """City ids a user may be attached to: the serving snapshot's ``cities`` and the registry
    (scn.ingest.cities_known: the shipped registry plus the lake's ``cities``)."""
    from scn.ingest.cities_known import known_cities
    from scn.publish import serving

    ids = set(known_cities()["city_id"].dropna().astype(str))
    try:
        ids |= set(serving.read_serving("cities", columns=["city_id"])["city_id"].dropna().astype(str))
    except (serving.NoSnapshotError, OSError, KeyError):
        pass
    return ids


def check_username(username: object) -> str:
    """The name itself when it is a valid user name, else UserError naming the problem."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise UserError(f"invalid user name {username!r}: use 2 to 32 characters among a-z 0-9 . _ - "
                        "starting with a letter or digit (no spaces, capitals or markup)", "name")
    return username


def check_password(password: str) -> str:
    """The password itself when it may be set, else UserError naming the problem: ``MIN_PASSWORD`` to
    ``MAX_PASSWORD`` characters, no control or invisible format characters (tabs, line breaks, zero-width
    characters), not only white space, at least ``MIN_DISTINCT`` different characters."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters", "password_short")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"a password can have at most {MAX_PASSWORD} characters", "password_long")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in password):
        raise UserError("a password cannot hold control or invisible characters (tabs, line breaks, zero-width "
                        "characters)", "password_control")
    if not password.strip() or all(unicodedata.category(c) == "Zs" for c in password):
        raise UserError("a password cannot be only spaces", "password_blank")
    if len(set(password)) < MIN_DISTINCT:
        raise UserError(f"a password needs at least {MIN_DISTINCT} different characters", "password_blank")
    return password


def check_role(role: str, city_id: str | None) -> None:
    """UserError unless ``role`` is a role and ``city_id`` fits it (a known city for city roles, none else)."""
    if role not in ROLES:
        raise UserError(f"role must be one of {ROLES}, not {role!r}", "role")
    if role in CITY_ROLES and not city_id:
        raise UserError(f"{'an' if role == 'official' else 'a'} {role} needs a city (--city CITY_ID)", "city_needed")
    if role not in CITY_ROLES and city_id:
        raise UserError(f"{role} see every city: a city is only for officials and reviewers", "city_not_allowed")
    if city_id is not None and city_id not in known_city_ids():
        raise UserError(f"unknown city {city_id!r}: not in the city registry or the serving snapshot", "city_unknown")


def add_user(username: str, role: str, city_id: str | None, password: str | None, *,
             update: bool = False) -> None:
    """Add a user (``update=True``: or replace an existing one; otherwise an existing name is refused). The
    password is stored as a salted scrypt hash, the file is 0600, and the user gets a new session version (so an
    update signs out every session of the old account). ``password=None``: no password yet (the user sets one
    through a one-time link, :func:`issue_reset`). Raises UserError (a ValueError) naming the problem."""
    check_username(username)
    check_role(role, city_id)
    if password is not None:
        check_password(password)
    digest = generate_password_hash(password if password is not None else secrets.token_urlsafe(32))
    with _editing() as users:
        if username in users and not update:
            raise UserError(f"user {username!r} already exists (pass --update to replace it)", "exists")
        if username in users and _last_staff(users, username) and role != "staff":
            raise UserError(f"{username!r} is the last staff user who can sign in: add another first",
                            "last_staff")
        users[username] = {"role": role, "city_id": city_id if role in CITY_ROLES else None,
                           "password_hash": digest, "session_version": _new_version(),
                           **({"pending": True} if password is None else {})}


def _other_staff(users: dict[str, dict], username: str) -> bool:
    """Whether a staff user other than ``username`` can sign in (one added without a password, still
    ``pending``, cannot: the link that would let them was only shown to staff)."""
    return any(rec.get("role") == "staff" and not rec.get("pending") for name, rec in users.items()
               if name != username)


def _last_staff(users: dict[str, dict], username: str) -> bool:
    """Whether ``username`` is staff and no other staff user can sign in."""
    return users.get(username, {}).get("role") == "staff" and not _other_staff(users, username)


def change_user(username: str, role: str, city_id: str | None, *, keep_staff: bool = True) -> None:
    """Give an existing user another role or city (password kept). A change of role or city ends every session
    of the user (a new session version): a session opened under one grant, left open on a shared computer, must
    not read another city's data (docs/security.md row 55); an unchanged role and city keep them.
    ``keep_staff``: refuse to demote the last staff user."""
    check_role(role, city_id)
    with _editing() as users:
        if username not in users:
            raise UserError(f"no user {username!r}", "no_user")
        if keep_staff and role != "staff" and _last_staff(users, username):
            raise UserError(f"{username!r} is the last staff user who can sign in: add another first",
                            "last_staff")
        city = city_id if role in CITY_ROLES else None
        before = users[username]
        if (before.get("role"), before.get("city_id")) != (role, city):
            before.update(role=role, city_id=city, session_version=_new_version())


def set_password(username: str, password: str) -> None:
    """Give an existing user a new password; every session of the user ends."""
    check_password(password)
    digest = generate_password_hash(password)
    with _editing() as users:
        if username not in users:
            raise UserError(f"no user {username!r}", "no_user")
        users[username].update(password_hash=digest, session_version=_new_version())
        users[username].pop("pending", None)
        users[username].pop("reset", None)  # an earlier one-time link must not set another password later


def remove_user(username: str, *, keep_staff: bool = True) -> None:
    """Remove a user; their sessions end with them (a user re-added later gets a new session version).
    ``keep_staff``: refuse to remove the last staff user."""
    with _editing() as users:
        if username not in users:
            raise UserError(f"no user {username!r}", "no_user")
        if keep_staff and _last_staff(users, username):
            raise UserError(f"{username!r} is the last staff user who can sign in: add another first",
                            "last_staff")
        del users[username]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_reset(username: str, hours: float = RESET_HOURS) -> str:
    """A new one-time token to set ``username``'s password (``/reset/<token>``), valid ``hours``; only its
    SHA-256 is stored, and it replaces any earlier token of the user. The token itself is returned once."""
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    with _editing() as users:
        if username not in users:
            raise UserError(f"no user {username!r}", "no_user")
        users[username]["reset"] = {"hash": _token_hash(token), "expires": expires.isoformat(timespec="seconds")}
    return token


def _reset_owner(users: dict[str, dict], token: object) -> str | None:
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        return None
    digest, now = _token_hash(token), datetime.now(UTC)
    for name, rec in users.items():
        reset = rec.get("reset") or {}
        if secrets.compare_digest(str(reset.get("hash", "")), digest) and \
                datetime.fromisoformat(str(reset.get("expires"))) > now:
            return name
    return None


def reset_user(token: object) -> User | None:
    """The user a one-time token (unused, unexpired, not replaced) sets the password of; else None."""
    users = _load()
    name = _reset_owner(users, token)
    return None if name is None else User(name, users[name]["role"], users[name].get("city_id"))


def use_reset(token: object, password: str) -> User:
    """Set the password of the token's user (the token is then spent) and end every session of that user;
    UserError ``link_invalid`` for a token that is used, expired or replaced (or the password's problem)."""
    check_password(password)
    digest = generate_password_hash(password)
    with _editing() as users:
        name = _reset_owner(users, token)
        if name is None:
            raise UserError("this link was used, has expired or was replaced by a newer one", "link_invalid")
        rec = users[name]
        rec.update(password_hash=digest, session_version=_new_version())
        rec.pop("reset", None)
        rec.pop("pending", None)
        return User(name, rec["role"], rec.get("city_id"))


def pending(username: str) -> bool:
    """Whether the user has not set a password yet (added with ``password=None``)."""
    return bool(_load().get(username, {}).get("pending"))


def end_sessions(username: str) -> None:
    """Draw a new session version for the user: every session cookie issued before stops working."""
    with _editing() as users:
        if username in users:
            users[username]["session_version"] = _new_version()


def session_version(username: str) -> str | None:
    """The user's current session version (drawn now for a user saved before versions existed); None for no
    such user."""
    rec = _load().get(username)
    if rec is None:
        return None
    if rec.get("session_version"):
        return str(rec["session_version"])
    with _editing() as users:
        if username not in users:
            return None
        return users[username].setdefault("session_version", _new_version())


def list_users() -> list[User]:
    """Every user, by name."""
    return [User(name, rec["role"], rec.get("city_id")) for name, rec in sorted(_load().items())]


def get_user(username: str) -> User | None:
    """The user of that name, or None."""
    rec = _load().get(username)
    return User(username, rec["role"], rec.get("city_id")) if rec else None


def session_user(username: object, version: object) -> User | None:
    """The user a session cookie names, while the version it carries is the user's current one; else None."""
    if not isinstance(username, str) or not isinstance(version, str) or not version:
        return None
    rec = _load().get(username)
    current = rec.get("session_version") if rec else None
    if not current or not secrets.compare_digest(str(current), version):
        return None
    return User(username, rec["role"], rec.get("city_id"))


def verify(username: str, password: str) -> User | None:
    """The user when the password matches, else None."""
    rec = _load().get(username) if isinstance(username, str) else None
    if not check_password_hash(rec["password_hash"] if rec else _DUMMY_HASH, password) or not rec:
        return None
    return User(username, rec["role"], rec.get("city_id"))


def has_users() -> bool:
    """Whether any user exists."""
    return bool(_load())
