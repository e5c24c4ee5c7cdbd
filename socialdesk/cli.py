"""The `socialdesk` command: a thin scriptable face on :mod:`socialdesk.core.services`.

Exit codes: 0 success, 1 a user error (one clear sentence on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from socialdesk import __version__, paths
from socialdesk.config import Config, load_config
from socialdesk.core.errors import UserError
from socialdesk.core.services import Desk, ImportReport

MAX_SKIPPED_SHOWN = 20

Handler = Callable[[argparse.Namespace], int]


def _say(text: str) -> None:
    print(text, flush=True)


def _desk(args: argparse.Namespace) -> Desk:
    return Desk(_config(args), args.db)


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


# ── commands ────────────────────────────────────────────────────────────────────────────────


def cmd_locate(args: argparse.Namespace) -> int:
    """Show where socialdesk's files are."""
    config_path = paths.config_file(args.config)
    try:
        configured = load_config(args.config).database_path or None
    except UserError:
        configured = None
    db = paths.db_file(args.db, configured)
    rows = [
        ("config", f"{config_path}{'' if config_path.is_file() else '  (missing)'}"),
        ("default config", str(paths.bundled_config_file())),
        ("prompts", str(paths.prompts_dir())),
        ("data dir", str(paths.data_dir())),
        ("database", f"{db}{'' if db.exists() else '  (not created yet)'}"),
    ]
    for name, value in rows:
        _say(f"{name:<15}{value}")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    """Validate the configuration file."""
    config = _config(args)
    members = config.access.members
    supervisors = sum(1 for role in members.values() if role == "supervisor")
    _say(f"{config.source}: OK — team '{config.team.name}', time zone {config.team.timezone}, "
         f"{len(members)} members ({supervisors} supervisors), "
         f"page id {config.page.id or '(not set)'}.")
    return 0


def _progress_bar(path: Path) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=0, unit=" lines", desc=f"importing {path.name}", file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _print_import_report(report: ImportReport) -> None:
    _say(f"imported {report.imported}, duplicate {report.duplicates}, "
         f"skipped {len(report.skipped)} — from {report.path}")
    for skipped in report.skipped[:MAX_SKIPPED_SHOWN]:
        _say(f"  skipped line {skipped.line}: {skipped.reason}")
    if len(report.skipped) > MAX_SKIPPED_SHOWN:
        _say(f"  … and {len(report.skipped) - MAX_SKIPPED_SHOWN} more skipped lines")


def cmd_import(args: argparse.Namespace) -> int:
    """Import comments and messages from a JSONL or CSV file."""
    desk = _desk(args)
    path = Path(args.file)
    report = desk.import_file(path, progress=_progress_bar(path))
    _print_import_report(report)
    if report.skipped:
        n = len(report.skipped)
        print(f"socialdesk: {n} line{'s' if n != 1 else ''} of {path} could not be imported "
              "(listed above); every other line was imported.", file=sys.stderr)
        return 1
    return 0


# ── parser ──────────────────────────────────────────────────────────────────────────────────


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="config file (env SOCIALDESK_CONFIG)")
    parser.add_argument("--db", metavar="FILE", default=default,
                        help="SQLite database file (env SOCIALDESK_DB)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="socialdesk",
        description="Contact desk for a police neighbourhood team's social media page.")
    parser.add_argument("--version", action="version", version=f"socialdesk {__version__}")
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, suppress=True)
        p.set_defaults(handler=handler)
        return p

    command("locate", cmd_locate, "show where the config, prompts, data and database are")
    config = command("config", lambda a: 2, "configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_sub.add_parser("check", help="validate the configuration file")
    _global_options(check, suppress=True)
    check.set_defaults(handler=cmd_config_check)
    imp = command("import", cmd_import, "import comments/messages from a .jsonl or .csv file")
    imp.add_argument("file", metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except UserError as exc:
        print(f"socialdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("socialdesk: interrupted.", file=sys.stderr)
        return 130
