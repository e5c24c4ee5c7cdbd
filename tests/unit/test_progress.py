"""Long work on the command line: progress that is never silent, and Ctrl-C that says what is
kept and what is left."""

from __future__ import annotations

import pytest

from socialdesk.cli.output import Stopped, WorkProgress, long_work


def test_ctrl_c_in_long_work_says_what_is_done_and_left() -> None:
    with pytest.raises(Stopped) as stopped, long_work("classifying", "items") as progress:
        progress(4_000, 10_000)
        raise KeyboardInterrupt
    assert str(stopped.value) == ("stopped: classifying kept 4,000 of 10,000 items done, "
                                  "6,000 left; run the same command again to do the rest.")


def test_progress_off_a_terminal_is_a_line_now_and_then(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    progress = WorkProgress("importing page.jsonl", "lines", every=0.0)
    progress(40_000, 100_000)
    assert "importing page.jsonl: 40,000 of 100,000 lines (40%)" in capsys.readouterr().err
    quiet = WorkProgress("importing page.jsonl", "lines", every=3600.0)
    quiet(50_000, 100_000)
    assert capsys.readouterr().err == ""
