"""Config loading and validation: defaults, and one clear sentence per bad value."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from socialdesk import paths
from socialdesk.config import load_config
from socialdesk.errors import ConfigError
from tests.conftest import BUNDLED_CONFIG


def test_bundled_config_is_valid_and_documented_values_hold() -> None:
    config = load_config(BUNDLED_CONFIG)
    assert config.team.timezone == "Europe/London"
    assert config.page.api_version == "v25.0"
    assert config.page.token_env == "SOCIALDESK_PAGE_TOKEN"
    assert config.sla.minutes == {"urgent": 15, "report": 120, "concern": 480, "chat": 1440}
    friday = config.staffed_hours.shifts["friday"]
    assert [(s.start, s.end) for s in friday][-1] == (time(18, 0), time(22, 0))
    assert config.staffed_hours.shifts["sunday"] == ()
    assert date(2026, 12, 28) in config.staffed_hours.bank_holidays  # Boxing Day substitute
    assert config.posts.require_approval is True


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    ('[sla]\nreport = "two hours"\n', "[sla] report", "'two hours'"),
    ("[sla]\nreport = 0\n", "[sla] report", "from 1"),
    ('[sla]\nclock = "wall"\n', "[sla] clock", '"staffed"'),
    ('[team]\ntimezone = "Europe/Anglesey"\n', "[team] timezone", "Europe/Anglesey"),
    ('[page]\napi_version = "25"\n', "[page] api_version", '"v25.0"'),
    ('[page]\ngraph_url = "ftp://x"\n', "[page] graph_url", "http(s) URL"),
    ("[page]\nsync_days = true\n", "[page] sync_days", "True"),
    ('[page]\ntoken = "EAAB-secret"\n', "unknown key 'token'", "allowed:"),
    ('[page]\ntoken_env = "my token"\n', "[page] token_env", "environment variable"),
    ('[staffed_hours]\nmonday = ["09:00-08:00"]\n', "[staffed_hours] monday", "end after"),
    ('[staffed_hours]\nmonday = ["08:00-12:00", "11:00-13:00"]\n', "monday", "not overlap"),
    ('[staffed_hours]\nmonday = ["8-12"]\n', "[staffed_hours] monday", "'8-12'"),
    ('[staffed_hours]\nbank_holidays = ["25/12/2026"]\n', "bank_holidays", "2026-12-25"),
    ('[members]\nrhian = "boss"\n', "[members] rhian", '"supervisor"'),
    ('[access]\nunknown_users = "all"\n', "[access] unknown_users", '"read-only"'),
    ("[retention]\ndays = -1\n", "[retention] days", "from 1"),
    ('[posts]\nbilingual = "english"\n', "[posts] bilingual", '"twins"'),
    ('[model]\nfine_tune_in_background = "yes"\n', "[model] fine_tune_in_background", "'yes'"),
    ("[slas]\nreport = 5\n", "unknown section [slas]", "allowed:"),
    ('team = "x"\n', "[team] must be a table", "'x'"),
    ("[sla\nreport = 5\n", "not valid TOML", ""),
]


@pytest.mark.parametrize(("text", "names", "shows"), BAD)
def test_bad_value_gives_one_sentence_naming_file_and_key(
        tmp_path: Path, text: str, names: str, shows: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert names in message and shows in message
    assert "\n" not in message and message.endswith(".")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[team]\nname = "Ynys M\xf4n"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin)


def test_env_override_picks_the_config_file(tmp_path: Path, monkeypatch) -> None:
    own = write(tmp_path, '[team]\nname = "Tîm Cymdogaeth"\n')
    monkeypatch.setenv(paths.CONFIG_ENV, str(own))
    config = load_config()
    assert config.source == own and config.team.name == "Tîm Cymdogaeth"


def test_db_path_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(paths.DB_ENV, raising=False)
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    assert paths.db_file(None, None) == tmp_path / "data" / "socialdesk.db"
    assert paths.db_file(None, "/srv/desk.db") == Path("/srv/desk.db")
    monkeypatch.setenv(paths.DB_ENV, str(tmp_path / "env.db"))
    assert paths.db_file(None, "/srv/desk.db") == tmp_path / "env.db"
    assert paths.db_file(tmp_path / "flag.db", "/srv/desk.db") == tmp_path / "flag.db"
