"""Where socialdesk's files live, from a checkout and from an installed wheel alike.

- Bundled resources (``config/``, ``prompts/``): at the top of a checkout, or inside the
  wheel as ``socialdesk/_bundled/``; the first one that exists wins.
- Data dir (DB, trained models): ``$SOCIALDESK_DATA_DIR``, else ``$XDG_DATA_HOME/socialdesk``,
  else ``~/.local/share/socialdesk``.
- Config file: ``--config``, else ``$SOCIALDESK_CONFIG``, else
  ``$XDG_CONFIG_HOME/socialdesk/socialdesk.toml`` if it exists, else the bundled default.
- DB: ``--db``, else ``$SOCIALDESK_DB``, else ``[database] path`` in config, else
  ``<data dir>/socialdesk.db``.

In service mode (running as the ``socialdesk`` account, officers coming in through sudo) the
places are fixed by the service account's home directory — the system config
``~socialdesk/socialdesk.toml`` and the data dir ``~socialdesk/data`` — and ``--config``,
``--db`` and the environment variables that would move them are refused: nobody can point
the service at a team or a database of their own.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from socialdesk.errors import ConfigError, UserError

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"

CONFIG_ENV = "SOCIALDESK_CONFIG"
DB_ENV = "SOCIALDESK_DB"
DATA_DIR_ENV = "SOCIALDESK_DATA_DIR"


#: The account that owns the desk's files in service mode (officers reach it through sudo).
SERVICE_ACCOUNT = "socialdesk"
#: Every socialdesk process creates files without any access for other accounts.
PRIVATE_UMASK = 0o007


def in_service_mode() -> bool:
    """Whether this process runs as the service account (the desk's files are its own, shared
    with its group; officers come in through sudo)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name == SERVICE_ACCOUNT
    except KeyError:
        return False


def service_home() -> Path:
    """The service account's home directory: the system config and the data live there."""
    return Path(pwd.getpwnam(SERVICE_ACCOUNT).pw_dir)


def refuse_overrides(given: dict[str, object]) -> None:
    """In service mode, refuse any option or variable that would move the config or the data
    (one sentence naming it); elsewhere do nothing."""
    if not in_service_mode():
        return
    moved = [name for name, value in given.items() if value] + [
        f"${name}" for name in (CONFIG_ENV, DB_ENV, DATA_DIR_ENV) if os.environ.get(name)]
    if moved:
        raise ConfigError(f"socialdesk runs as the {SERVICE_ACCOUNT} service here, with its "
                          f"own configuration ({service_home() / 'socialdesk.toml'}) and data; "
                          f"{', '.join(moved)} cannot change them.")


def file_mode() -> int:
    """Permissions of the desk's files (DB, WAL, exports): the owner only, or the owner and
    the service group in service mode. Never other accounts."""
    return 0o660 if in_service_mode() else 0o600


def dir_mode() -> int:
    """Permissions of the desk's folders (the data dir, exports, models)."""
    return 0o770 if in_service_mode() else 0o700


def private_dir(path: Path) -> Path:
    """Create a folder (and missing parents) for the desk's files, private to the desk; the
    data dir itself is made private again if an older install left it open."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        created.chmod(dir_mode())
    if path == data_dir() and path.stat().st_uid == os.geteuid():
        path.chmod(dir_mode())
    return path


def write_private(path: Path) -> int:
    """Open ``path`` for writing as a new private file (see :func:`file_mode`); returns the
    descriptor. An export never replaces a file, nor follows a link: ``--out`` naming the
    team's database, its anchors or the service's config would have overwritten them (with
    the service account's rights, in service mode). One sentence says so."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             file_mode())
    except FileExistsError:
        raise UserError(f"{path} already exists; an export never replaces a file (choose "
                        "another name).") from None
    os.fchmod(descriptor, file_mode())   # exactly the desk's mode, whatever the umask
    return descriptor


def unused_file(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2``, ``stem-3``… when that is taken (exports never
    replace a file)."""
    target, number = folder / f"{stem}{suffix}", 1
    while target.exists():
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    return target


def old_exports(before: float) -> list[Path]:
    """The files in the data dir's exports/ folder last written before ``before`` (a Unix
    time): what retention removes, since referrals, timelines and named packs hold personal
    data. Files written elsewhere (``--out``) are their writer's to keep or delete."""
    folder = data_dir() / "exports"
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and not path.is_symlink()
                  and path.stat().st_mtime < before)


def _resource_dir(name: str) -> Path:
    """Return the directory of a bundled resource (``config`` or ``prompts``)."""
    for candidate in (BUNDLED_DIR / name, CHECKOUT_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"socialdesk's {name}/ directory is missing from the installation")


def prompts_dir() -> Path:
    """Directory with training examples, cues and templates."""
    return _resource_dir("prompts")


def bundled_config_file() -> Path:
    """The documented default configuration that ships with socialdesk."""
    return _resource_dir("config") / "socialdesk.toml"


def data_dir() -> Path:
    """Directory for the DB and trained models (not created here)."""
    if in_service_mode():
        return service_home() / "data"
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser() / "socialdesk"


def user_config_file() -> Path:
    """Where a user's own config would be, whether or not it exists."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(xdg).expanduser() / "socialdesk" / "socialdesk.toml"


def config_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the config file to load (see the module docstring for the order)."""
    if in_service_mode():
        refuse_overrides({"--config": explicit})
        return service_home() / "socialdesk.toml"
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get(CONFIG_ENV):
        return Path(env).expanduser()
    user = user_config_file()
    if user.is_file():
        return user
    return bundled_config_file()


def db_file(explicit: str | os.PathLike[str] | None, configured: str | None) -> Path:
    """Resolve the SQLite file to use (see the module docstring for the order)."""
    if in_service_mode():
        refuse_overrides({"--db": explicit})
        return Path(configured).expanduser() if configured else data_dir() / "socialdesk.db"
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get(DB_ENV):
        return Path(env).expanduser()
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "socialdesk.db"
