"""`socialdesk replies …`: list, show, add, edit, retire, render — supervisors change, officers
look; a round trip through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from socialdesk.cli import main
from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from tests.conftest import BUNDLED_CONFIG, os_account


def config_as(tmp_path: Path, role: str) -> Path:
    """The bundled config with the account running the tests in ``role``."""
    path = tmp_path / f"{role}.toml"
    path.write_text(BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "{role}"\nsioned = "supervisor"\n'),
        encoding="utf-8")
    return path


def created(config: Path, db: Path) -> None:
    """The team's database, made by its supervisor sioned with this configuration."""
    desk = Desk(load_config(config), db, actor="sioned")
    desk.store.schema_version()
    desk.close()


def cli(capsys, config: Path, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), "--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_supervisor_adds_edits_retires_and_renders_templates(tmp_path: Path, capsys) -> None:
    config, db = config_as(tmp_path, "supervisor"), tmp_path / "cli.db"
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"text": "Galwad sgam gan 'HMRC' i mam ym Mhorthaethwy",
                                 "author": "Elin Wyn", "kind": "message"}) + "\n",
                     encoding="utf-8")
    assert cli(capsys, config, db, "import", str(items))[0] == 0

    code, out, _ = cli(capsys, config, db, "replies", "list", "--topic", "scam", "--lang", "cy")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) >= 4 and all(" cy " in line and " scam " in line for line in lines)

    text = tmp_path / "parcel.txt"
    text.write_text("Helo {name}, sgam ydy'r neges am barsel {o_place}. Peidiwch â thalu "
                    "dim. {officer}", encoding="utf-8")
    code, out, err = cli(capsys, config, db, "replies", "add", "--key", "scam-parcel",
                         "--topic", "scam", "--lang", "cy", "--title", "Sgam parsel",
                         "--file", str(text))
    assert code == 0, err
    template_id = int(out.split("#")[1].split()[0])
    assert out.strip().endswith("version 1")

    code, out, err = cli(capsys, config, db, "replies", "edit", str(template_id), "--text",
                         "Helo {name}, sgam ydy'r neges am barsel {yn_place}. {officer}")
    assert code == 0, err
    assert "version 2" in out

    code, out, _ = cli(capsys, config, db, "replies", "render", str(template_id), "--item", "1")
    assert code == 0
    assert out.strip() == f"Helo Elin, sgam ydy'r neges am barsel ym Mhorthaethwy. {os_account()}"

    code, out, _ = cli(capsys, config, db, "replies", "show", str(template_id), "--history")
    assert code == 0 and "version 2" in out
    assert "v1 reply_template_added" in out and "v2 reply_template_saved" in out
    assert "am barsel {o_place}" in out   # the first version's text, from the audit chain

    assert cli(capsys, config, db, "replies", "retire", str(template_id))[0] == 0
    code, out, _ = cli(capsys, config, db, "replies", "list", "--search", "parsel")
    assert "(no templates)" in out
    code, out, _ = cli(capsys, config, db, "replies", "list", "--search", "parsel", "--all")
    assert "RETIRED" in out and "scam-parcel" in out
    assert cli(capsys, config, db, "audit", "verify")[0] == 0


def test_mistakes_are_one_sentence(tmp_path: Path, capsys) -> None:
    config, db = config_as(tmp_path, "supervisor"), tmp_path / "cli.db"
    created(config, db)
    code, _, err = cli(capsys, config, db, "replies", "edit", "1", "--text", "Hi {nmae}")
    assert code == 1 and err.count("\n") == 1 and "{nmae} is not a placeholder" in err
    code, _, err = cli(capsys, config, db, "replies", "show", "9999")
    assert code == 1 and "There is no reply template 9999" in err
    code, _, err = cli(capsys, config, db, "replies", "list", "--topic", "parcels")
    assert code == 1 and "'parcels' is not a topic" in err
    code, _, err = cli(capsys, config, db, "replies", "add", "--key", "k", "--topic", "scam",
                       "--lang", "en", "--title", "t")
    assert code == 1 and "--text TEXT or --file FILE" in err


def test_an_officer_may_look_but_not_change(tmp_path: Path, capsys) -> None:
    officer, db = config_as(tmp_path, "officer"), tmp_path / "cli.db"
    created(officer, db)
    code, out, _ = cli(capsys, officer, db, "replies", "show", "1")
    assert code == 0 and "version 1" in out
    code, _, err = cli(capsys, officer, db, "replies", "edit", "1", "--title", "New title")
    assert code == 1
    assert f"Only a supervisor can edit the reply library; {os_account()} is an officer." in err
