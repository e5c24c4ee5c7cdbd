"""Service mode with real OS accounts (issue 19): the ``socialdesk`` account owns the data,
officers come in through sudo (``sudo -u socialdesk socialdesk``, which sets SUDO_UID), their
identity is their own account, and nothing they pass can move the config or the data.

Needs root (to create the accounts); skipped with the reason elsewhere. sudo itself is not
assumed: each run forks, drops to the service account with the SUDO_UID sudo would set, and
runs the command line in the child — the same process state sudo gives, minus the password.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import socialdesk.cli
from socialdesk.cli import main

SERVICE, ANN, BRYN = "socialdesk", "sdtest-ann", "sdtest-bryn"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="needs root and useradd to create the service account and two officer accounts")


def _run_as(account: str, sudo_uid: int | None, args: list[str],
            env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `socialdesk ARGS` as ``account`` (through "sudo" when ``sudo_uid`` is given)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    child = os.fork()
    if child == 0:  # the child: drop to the account, run the command line, exit with its code
        code = 99
        try:
            sys.stdout = open(out_w, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
            sys.stderr = open(err_w, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
            entry = pwd.getpwnam(account)
            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.environ.clear()
            os.environ.update({"PATH": "/usr/bin:/bin", **(env or {})})
            if sudo_uid is not None:
                os.environ["SUDO_UID"] = str(sudo_uid)
            os.chdir("/")
            code = main(args)
        except BaseException as exc:  # report anything, never return to pytest
            os.write(err_w, f"child failed: {exc!r}\n".encode())
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r) as out, os.fdopen(err_r) as err:
        stdout, stderr = out.read(), err.read()
    _pid, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


@pytest.fixture
def service(tmp_path_factory) -> Iterator[dict[str, object]]:
    """The service account (home in a temp folder, holding the system config and the data)
    and two officer accounts; all removed afterwards."""
    if any(_exists(name) for name in (SERVICE, ANN, BRYN)):
        pytest.skip("the test accounts already exist on this machine")
    home = Path(tempfile.mkdtemp(prefix="sd-service-", dir="/tmp"))
    os.chmod(home.parent, 0o1777) if home.parent == Path("/tmp") else None
    try:
        subprocess.run(["useradd", "--system", "--home-dir", str(home), "--user-group",
                        "--shell", "/usr/sbin/nologin", SERVICE], check=True)
        for officer in (ANN, BRYN):
            subprocess.run(["useradd", "--no-create-home", officer], check=True)
        entry = pwd.getpwnam(SERVICE)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        home.chmod(0o750)
        config = home / "socialdesk.toml"
        text = (Path(socialdesk.cli.__file__).parents[2] / "config" / "socialdesk.toml")\
            .read_text(encoding="utf-8")
        config.write_text(text.replace("[members]\n", f'[members]\n"{ANN}" = "supervisor"\n'
                                                      f'"{BRYN}" = "officer"\n'),
                          encoding="utf-8")
        os.chown(config, entry.pw_uid, entry.pw_gid)
        yield {"home": home, "ann": pwd.getpwnam(ANN).pw_uid,
               "bryn": pwd.getpwnam(BRYN).pw_uid}
    finally:
        for name in (ANN, BRYN, SERVICE):
            subprocess.run(["userdel", name], check=False, capture_output=True)
        if _group_exists(SERVICE):
            subprocess.run(["groupdel", SERVICE], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def test_officers_come_in_through_the_service_account_as_themselves(service) -> None:
    home = service["home"]
    assert isinstance(home, Path)
    code, out, err = _run_as(SERVICE, service["ann"], ["init"])
    assert code == 0, err
    db = home / "data" / "socialdesk.db"
    assert db.is_file() and pwd.getpwuid(db.stat().st_uid).pw_name == SERVICE
    assert stat.S_IMODE(db.stat().st_mode) == 0o660                # the service group only
    assert stat.S_IMODE((home / "data").stat().st_mode) == 0o770
    # bryn, through sudo, is bryn — whatever USER says
    code, out, err = _run_as(SERVICE, service["bryn"], ["purge"], {"USER": ANN})
    assert code == 1 and f"Only a supervisor can purge; {BRYN} is an officer" in err
    # nothing bryn passes can move the config or the database
    for args, env in ((["--config", "/tmp/mine.toml", "report"], {}),
                      (["--db", "/tmp/mine.db", "report"], {}),
                      (["report"], {"SOCIALDESK_CONFIG": "/tmp/mine.toml"})):
        code, _out, err = _run_as(SERVICE, service["bryn"], args, env)
        assert code == 1 and "cannot change them" in err, (args, err)
        assert len(err.strip().splitlines()) == 1
    # ann, the supervisor, acts as ann; the audit chain names the people, not the service
    code, out, err = _run_as(SERVICE, service["ann"], ["members", "add", "gwen", "officer"])
    assert code == 0 and "gwen is now officer" in out, err
    code, out, err = _run_as(SERVICE, service["ann"], ["audit", "verify"])
    assert code == 0 and out.startswith("audit log OK"), err
    import sqlite3

    actors = {r[0] for r in sqlite3.connect(db).execute("select actor from audit_log")}
    assert ANN in actors and SERVICE not in actors
    # without sudo, an officer's own account cannot even read the data
    code, _out, err = _run_as(BRYN, None, ["--db", str(db), "report"])
    assert code == 1 and str(db) in err and "Traceback" not in err, err
