"""Shared fixtures: a config and a real SQLite file in a temp dir, and a CLI runner."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from socialdesk.config import Config, ModelConfig, load_config
from socialdesk.core.classify.data import Example
from socialdesk.core.desk import Desk

REPO = Path(__file__).resolve().parent.parent
BUNDLED_CONFIG = REPO / "config" / "socialdesk.toml"


def os_account() -> str:
    """The account the tests run as, as socialdesk sees it (the effective OS account)."""
    return pwd.getpwuid(os.geteuid()).pw_name


#: Test actors who are members of the team (non-members are read-only, as on a real desk). A
#: supervisor is named, so that the account creating a test database is not made one.
TEST_MEMBERS = {"tester": "officer", "gethin": "officer", "sioned": "supervisor"}


@pytest.fixture
def config() -> Config:
    """The bundled default configuration, with the test actors as officers (and no
    minutes-long fine-tuning started behind a test's back)."""
    bundled = load_config(BUNDLED_CONFIG)
    return replace(bundled, access=replace(bundled.access, members=dict(TEST_MEMBERS)),
                   model=ModelConfig(fine_tune_in_background=False))


@pytest.fixture(scope="session")
def team_config_file(tmp_path_factory) -> Path:
    """The bundled config file with the OS user running the tests as an officer."""
    path = tmp_path_factory.mktemp("config") / "socialdesk.toml"
    text = BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "officer"\nsioned = "supervisor"\n')
    off = text.replace("fine_tune_in_background = true", "fine_tune_in_background = false")
    assert off != text
    path.write_text(off, encoding="utf-8")
    return path


@pytest.fixture
def desk(tmp_path: Path, config: Config) -> Desk:
    """A Desk on a fresh DB file in a temp dir, acting as officer 'tester'."""
    d = Desk(config, tmp_path / "desk.db", actor="tester")
    yield d
    d.close()


@dataclass
class Result:
    """What a CLI run returned."""

    code: int
    out: str
    err: str


def cli_runner(root: Path, config_file: Path):
    """Run `python -m socialdesk ARGS` in a subprocess with its DB and data dir in ``root``."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            stdin: str | None = None, timeout: float = 120) -> Result:
        full_env = {**os.environ, "SOCIALDESK_DB": str(root / "cli.db"),
                    "SOCIALDESK_DATA_DIR": str(root / "data"),
                    "SOCIALDESK_CONFIG": str(config_file), **(env or {})}
        proc = subprocess.run([sys.executable, "-m", "socialdesk", *args], env=full_env,
                              cwd=cwd or root, input=stdin, capture_output=True, text=True,
                              timeout=timeout)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def in_process_cli(tmp_path: Path, config_file: Path, capsys, monkeypatch,
                   messages: Sequence[tuple[str, str]] = ()):
    """Run `socialdesk ARGS` in this process as the OS account, on tmp_path's cli.db and data
    dir; (code, out, err). ``messages`` — (text, author) pairs — are imported first, as private
    messages an hour old, a minute apart."""
    from socialdesk.cli import main
    from socialdesk.core.models import utc_now

    db = tmp_path / "cli.db"
    monkeypatch.setenv("SOCIALDESK_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(config_file), "--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    if messages:
        items = tmp_path / "items.jsonl"
        items.write_text("".join(json.dumps({
            "text": text, "kind": "message", "author": author, "thread": f"t{n}",
            "created_at": (utc_now() - timedelta(minutes=60 - n)).isoformat()}) + "\n"
            for n, (text, author) in enumerate(messages)), encoding="utf-8")
        assert run("import", str(items))[0] == 0
    return run


@pytest.fixture
def run_cli(tmp_path: Path, team_config_file: Path):
    """Run `python -m socialdesk ARGS` in a subprocess with its own DB and data dir."""
    return cli_runner(tmp_path, team_config_file)


def assert_one_sentence(err: str) -> None:
    """A user error: exactly one line on stderr, no traceback."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("socialdesk: ") and lines[0].endswith("."), lines[0]


@pytest.fixture(scope="session")
def cli_trained(tmp_path_factory, team_config_file: Path) -> tuple[Result, Path]:
    """`socialdesk train --fast` run once per session on a machine with no model yet (its own
    data dir): what the command printed (test_classifier checks it) and that data dir, whose
    model every test that needs *a* trained model shares. Training the real model takes about
    a minute on 2 cores: it is done once, not once for the fixture and once for the command."""
    root = tmp_path_factory.mktemp("trained")
    result = cli_runner(root, team_config_file)("train", "--fast", timeout=600)
    assert result.code == 0, result.err
    return result, root / "data"


@pytest.fixture(scope="session")
def model_dir(cli_trained: tuple[Result, Path]) -> Path:
    """The real model (fast, from prompts/), trained once per session (first use); shared, so
    read it, never change it (copy it first, as the ensemble test does)."""
    from socialdesk.core.classify import training

    _result, data = cli_trained
    folder = training.current_model_dir(data / "models")
    assert folder is not None, "train --fast left no current model"
    return folder


@pytest.fixture
def data_dir(model_dir: Path, monkeypatch) -> Path:
    """A data dir that already holds a trained model."""
    from socialdesk import paths

    root = model_dir.parent.parent
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(root))
    return root


def small_examples() -> list[Example]:
    """The small recipe's examples (every 15th of prompts/, 120 of them): a model in seconds."""
    from socialdesk.core.classify import training

    return training.training_examples()[::15][:120]


@pytest.fixture(scope="session")
def small_model(tmp_path_factory) -> Path:
    """A data dir holding the fast model of the small recipe (120 examples), built once per
    session through the real code; tests copy it (`with_small_model`), never change it."""
    from socialdesk.core.classify import training

    data = tmp_path_factory.mktemp("small") / "data"
    training.train(root=data / "models", recipe=training.Recipe(examples=small_examples()))
    assert training.current_model_dir(data / "models") is not None
    return data


def with_small_model(small_model: Path, data: Path) -> Path:
    """Put a copy of the small recipe's fast model in data dir ``data`` (its current model)."""
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copytree(small_model / "models", data / "models")
    return data
