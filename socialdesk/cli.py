"""The `socialdesk` command: a thin scriptable face on :mod:`socialdesk.core.services`.

Exit codes: 0 success, 1 a user error (one clear sentence on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk import __version__, paths
from socialdesk.cli_posts import register as register_posts
from socialdesk.cli_supervisor import register as register_supervisor
from socialdesk.config import Config, load_config
from socialdesk.core.desk import access
from socialdesk.core.desk.context import current_user
from socialdesk.core.desk.desk import Desk, ImportReport
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.core.outbox.sender import Action, SendReport
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.errors import UserError
from socialdesk.terminal import printable

if TYPE_CHECKING:
    from socialdesk.core.classify.classifier import Classifier
    from socialdesk.fakepage.server import FakePage

MAX_SKIPPED_SHOWN = 20

Handler = Callable[[argparse.Namespace], int]


def _say(text: str) -> None:
    print(text, flush=True)


def _desk(args: argparse.Namespace) -> Desk:
    """The desk for this command; users with no access ([access] unknown_users = "none")
    are turned away here, before anything is read."""
    desk = Desk(_config(args), args.db)
    if desk.role == access.NO_ACCESS:
        desk.require("use socialdesk")
    return desk


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
    _classify_if_model(desk)
    if report.skipped:
        n = len(report.skipped)
        print(f"socialdesk: {n} line{'s' if n != 1 else ''} of {path} could not be imported "
              "(listed above); every other line was imported.", file=sys.stderr)
        return 1
    return 0


def _sync_summary(report: SyncReport) -> str:
    kind = "full" if report.full else "incremental"
    return (f"{kind} sync: {len(report.new)} new, {report.updated} updated, "
            f"{report.deleted} deleted, {report.answered} answered on the page; "
            f"{report.requests} requests")


def _send_summary(report: SendReport) -> str:
    return (f"outbox: {report.sent} sent, {report.failed} failed, {report.uncertain} uncertain"
            f"{', ' + str(report.requeued) + ' back in the queue' if report.requeued else ''}")


def _fail(message: str) -> int:
    print(f"socialdesk: {message.rstrip('.')}.", file=sys.stderr)
    return 1


def _stop_event() -> threading.Event:
    """An event set by Ctrl-C or SIGTERM (so long loops end cleanly, exit 0)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _wait_for_stop() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = _stop_event()
    while not stop.wait(0.5):
        pass


def cmd_sync(args: argparse.Namespace) -> int:
    """Pull comments and messages from the configured page."""
    desk = _desk(args)
    if args.once:
        report = desk.sync_once(full=True if args.full else None)
        _say(_sync_summary(report))
        _classify_if_model(desk)
        return _fail(report.error) if report.error else 0
    from socialdesk.core.desk.jobs import BackgroundJobs

    jobs = BackgroundJobs(desk, listener=_print_event)
    interval = jobs.sync_interval
    _say(f"syncing every {interval:g} s; Ctrl-C to stop")
    stop = _stop_event()
    while not stop.is_set():
        jobs.run_sync()
        if jobs.stopped_reason:
            return _fail(jobs.stopped_reason)
        stop.wait(interval)
    return 0


def _classify_if_model(desk: Desk) -> None:
    """Classify new items when a model exists; otherwise say how to get one."""
    done = desk.model.classify_pending(train_if_missing=False)
    if done:
        _say(f"classified {done} new items")
    waiting = desk.model.pending_count()
    if waiting:
        _say(f"{waiting} items wait unclassified: build a model once with 'socialdesk "
             "train --fast' (under a minute) or 'socialdesk train' (the full one, about 3 "
             "minutes)")


def _train_progress() -> Callable[[str, float], None]:
    """Report training progress on stderr (a bar on a terminal, lines otherwise)."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=100, desc="training", file=sys.stderr,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

        def show(message: str, fraction: float) -> None:
            bar.n = int(fraction * 100)
            bar.set_postfix_str(message)
            if fraction >= 1:
                bar.close()

        return show
    last: list[tuple[int, str]] = []

    def log_line(message: str, fraction: float) -> None:
        step = (int(fraction * 100), message)
        if not last or step != last[-1]:  # one line per whole percent, not per batch
            last[:] = [step]
            print(f"training: {fraction:4.0%} {message}", file=sys.stderr, flush=True)

    return log_line


def _ready_classifier(desk: Desk) -> Classifier:
    from socialdesk.core.classify.training import current_model_dir

    if current_model_dir() is None:
        print("socialdesk: no model on this machine yet; training the fast model from "
              "prompts/ (first use, under a minute)", file=sys.stderr, flush=True)
    model = desk.model.classifier(_train_progress())
    assert model is not None  # train_if_missing: a model always comes back
    if model.finetuned is None:
        print("socialdesk: using the fast model; 'socialdesk train' builds the full, more "
              "accurate one (about 4 minutes; the dashboard and worker build it in the "
              "background)", file=sys.stderr, flush=True)
    return model


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify one text, or JSONL on stdin, printing JSON predictions."""
    import json

    from socialdesk.core.classify.data import ExampleFileError

    desk = _desk(args)
    model = _ready_classifier(desk)
    if args.text not in (None, "-"):  # "-" reads stdin, as elsewhere on Unix
        (prediction,) = model.classify([args.text], [args.post], [args.kind])
        print(json.dumps(prediction.as_dict(), ensure_ascii=False))
        return 0
    records = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError
        except ValueError:
            raise ExampleFileError(f"stdin line {number}: expected a JSON object with a "
                                   "'text'.") from None
        records.append(record)
    predictions = model.classify([r["text"] for r in records],
                                 [r.get("post") for r in records],
                                 [r.get("kind") for r in records])
    for record, prediction in zip(records, predictions, strict=True):
        print(json.dumps({**record, **prediction.as_dict()}, ensure_ascii=False))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Rebuild the model from prompts/ examples and officers' corrections."""
    desk = _desk(args)
    model = desk.model.retrain(full=not args.fast, progress=_train_progress())
    meta = model.meta
    _say(f"model {meta['version']} trained on {meta['examples']} examples "
         f"({meta['corrections']} officer corrections) in {meta['trained_seconds']} s")
    done = desk.model.classify_pending()
    _say(f"classified {done} waiting items" if done else "no items were waiting")
    again = desk.model.reclassify_untouched(model)
    if again:
        _say(f"classified again {again} items nobody has touched yet")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the model on a labelled file (DESIGN.md §6)."""
    import json

    from socialdesk.core.classify.evaluate import evaluate_file, format_report

    desk = _desk(args)
    model = _ready_classifier(desk)
    result = evaluate_file(model, Path(args.file))
    print(json.dumps(result, ensure_ascii=False) if args.json else format_report(result))
    return 0


def _print_event(kind: str, payload: object) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    if isinstance(payload, SyncReport):
        line = _sync_summary(payload) + (f" — {payload.error}" if payload.error else "")
    elif isinstance(payload, SendReport):
        line = _send_summary(payload) + "".join(f"\n    {d}" for d in payload.details)
    elif isinstance(payload, PublishReport):
        line = (f"safety posts: {len(payload.published)} published, {len(payload.missed)} "
                f"missed, {len(payload.failed)} failed, {len(payload.uncertain)} uncertain"
                + "".join(f"\n    {printable(d)}" for d in payload.details))
    else:
        line = f"{kind}: {payload}"
    _say(f"[{stamp}] {line}")


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background jobs (sync, sending, safety posts) without a screen."""
    from socialdesk.core.desk.jobs import BackgroundJobs

    desk = _desk(args)
    desk.context.graph_client().close()  # fail now, in one sentence, if page or token is missing
    desk.model.auto_classify = True
    _ready_classifier(desk)
    jobs = BackgroundJobs(desk, listener=_print_event)
    jobs.start()
    _say(f"worker running (sync every {jobs.sync_interval:g} s, safety posts when due, "
         f"outbox every {jobs.send_interval:g} s); Ctrl-C to stop")
    try:
        _wait_for_stop()
    finally:
        jobs.shutdown()
    return _fail(jobs.stopped_reason) if jobs.stopped_reason else 0


def _fake_page(args: argparse.Namespace) -> FakePage:
    from socialdesk.fakepage.faults import FaultSpecError
    from socialdesk.fakepage.server import FakePage
    from socialdesk.fakepage.state import Sizes

    try:
        return FakePage(seed=args.seed, rate=args.rate, faults=args.fault or [],
                        sizes=Sizes(args.posts, args.comments, args.conversations),
                        slow_seconds=args.slow_seconds)
    except FaultSpecError as exc:
        raise UserError(f"--fault: {exc}.") from None


def cmd_fake_page(args: argparse.Namespace) -> int:
    """Serve a fake page on 127.0.0.1 until stopped."""
    page = _fake_page(args)
    try:
        page.start("127.0.0.1", args.port)
    except OSError as exc:
        raise UserError(f"Cannot listen on 127.0.0.1:{args.port} ({exc.strerror}).") from None
    print(page.announce(), flush=True)
    try:
        _wait_for_stop()
    finally:
        page.stop()
    return 0


def _demo_desk(args: argparse.Namespace, page: FakePage) -> Desk:
    """A desk on a fresh demo DB for the fake page, the current user as supervisor."""
    base = _config(args)
    user = current_user()
    config = replace(
        base, page=replace(base.page, id=page.page_id, graph_url=page.url, token_file="",
                           sync_interval_seconds=10),
        access=replace(base.access, members={**base.access.members, user: "supervisor"}))
    os.environ[config.page.token_env] = page.token  # this process only; never written down
    db = Path(args.db) if args.db else paths.data_dir() / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _say(f"fake page at {page.url} (page {page.page_id}), about {args.rate:g} new items a "
         f"minute; demo database {db}")
    desk = Desk(config, db, actor=user)
    _seed_demo_posts(desk)
    return desk


def _seed_demo_posts(desk: Desk) -> None:
    """A few safety posts for the demo: one going out in two minutes, a weekly reminder,
    a draft awaiting approval and one still missing its Welsh text."""
    posts = desk.posts
    now = datetime.now(desk.config.team.zone)
    soon = (now + timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M")
    saturday = now + timedelta(days=(5 - now.weekday()) % 7 + 7)
    for name, when, values, approve in (
            ("how-to-report", soon, {}, True),
            ("lock-your-car", "every friday 17:00", {}, True),
            ("bike-marking", saturday.strftime("%Y-%m-%d") + " 08:00",
             {"place": "Llangefni Town Hall", "place_cy": "Neuadd y Dref, Llangefni",
              "date": saturday.strftime("%Y-%m-%d"), "time": "10:00-14:00"}, False)):
        draft = posts.draft(name, values)
        post_id = posts.add(draft.title, draft.cy, draft.en, when, draft.template)
        if approve and desk.config.posts.require_approval:
            posts.approve(post_id)
    posts.add("Christmas market patrols", "", "Officers will be at the Beaumaris Christmas "
              "market this weekend — come and say hello!", "monthly first saturday 10:00")


def cmd_demo(args: argparse.Namespace) -> int:
    """A fake page on loopback, a demo DB, and the dashboard working on it live."""
    args.posts, args.comments, args.conversations = 12, 60, 12
    page = _fake_page(args).start()
    try:
        desk = _demo_desk(args, page)
        if args.headless:
            desk.model.auto_classify = True
            _ready_classifier(desk)
            _demo_feed(desk)
        else:
            _run_dashboard(desk, background=True)
    finally:
        page.stop()
    return 0


def _run_dashboard(desk: Desk, background: bool) -> int:
    """Open the dashboard (Textual is imported only here: the CLI works without a screen).

    Users with no access never get here: :func:`_desk` turns them away.
    """
    from socialdesk.ui.app import build_app

    build_app(desk, background=background).run()
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """The officers' dashboard on the configured page and database."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("The dashboard needs a terminal (run it in a terminal, over SSH, or "
                        "through textual-serve); see socialdesk --help for the other commands.")
    return _run_dashboard(_desk(args), background=not args.no_sync)


def _demo_feed(desk: Desk) -> None:
    """Headless demo: sync every few seconds and print what arrives."""
    stop = _stop_event()
    _say("live: new comments and messages appear below, oldest first; Ctrl-C to stop")
    _say(f"{'received':<10} {'kind':<8} {'triage':<17} {'author':<16}  text")
    while not stop.is_set():
        report = desk.sync_once()
        for item in desk.items_by_platform_id(report.new):
            when = datetime.fromisoformat(str(item["created_at"])).astimezone(
                desk.config.team.zone)
            flag = "URGENT " if item["urgent"] else ""
            label = f"{flag}{item['category'] or 'unclassified'} {item['language'] or ''}"
            _say(f"{when:%a %H:%M}  {item['kind']!s:<8} {label.strip():<17} "
                 f"{printable(str(item['author_name'] or '(unknown)'), 16):<16}  "
                 f"{printable(str(item['text'] or '(sticker)'), 60)}")
        if report.error:
            _say(f"sync problem: {report.error}")
        stop.wait(5)


def cmd_reply(args: argparse.Namespace) -> int:
    """Queue an answer to an item (public reply, private reply, or message)."""
    desk = _desk(args)
    item_id = desk.find_item(args.item)
    kind = (desk.item_detail(item_id) or {}).get("kind")
    action = Action.PRIVATE_REPLY if args.private else (
        Action.MESSAGE if kind == "message" else Action.REPLY)
    entry, new = desk.queue_answer(item_id, action, args.text)
    _say(f"{action.value} to item {item_id} {'queued' if new else 'was already queued'} "
         f"as outbox #{entry}")
    return _send_now(desk) if args.send else 0


def cmd_hide(args: argparse.Namespace) -> int:
    """Queue hiding a comment on the page."""
    desk = _desk(args)
    item_id = desk.find_item(args.item)
    entry, new = desk.queue_answer(item_id, Action.HIDE)
    _say(f"hide item {item_id} {'queued' if new else 'was already queued'} as outbox #{entry}")
    return _send_now(desk) if args.send else 0


def _send_now(desk: Desk) -> int:
    report = desk.send_outbox()
    _say(_send_summary(report))
    for detail in report.details:
        _say(f"  {detail}")
    return _fail(report.error) if report.error else 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """Show, send or resend outbox entries."""
    desk = _desk(args)
    if args.action == "send":
        return _send_now(desk)
    if args.action == "resend":
        if args.entry is None:
            raise UserError("Say which entry to resend: socialdesk outbox resend ID.")
        desk.resend(args.entry)
        _say(f"outbox #{args.entry} is queued again")
        return 0
    entries = desk.outbox_entries()
    if not entries:
        _say("the outbox is empty")
    for e in entries:
        _say(f"#{e['id']:<5} {e['status']:<9} {e['action']:<13} item {e['item_id']:<6} "
             f"by {e['created_by']}: {printable(str(e['text'] or ''), 50)}"
             + (f"  ({printable(str(e['last_error']), 90)})" if e["last_error"] else ""))
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

    dash = command("dashboard", cmd_dashboard, "open the officers' dashboard (the default)")
    dash.add_argument("--no-sync", action="store_true",
                      help="do not run the page sync and sending in this dashboard")
    command("locate", cmd_locate, "show where the config, prompts, data and database are")
    config = command("config", lambda a: 2, "configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_sub.add_parser("check", help="validate the configuration file")
    _global_options(check, suppress=True)
    check.set_defaults(handler=cmd_config_check)
    imp = command("import", cmd_import, "import comments/messages from a .jsonl or .csv file")
    imp.add_argument("file", metavar="FILE")
    sync = command("sync", cmd_sync, "pull comments and messages from the configured page")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument("--full", action="store_true",
                      help="re-read every comment in the window (late items, edits, deletions)")
    register_supervisor(command, _desk)
    register_posts(command, _desk)
    command("worker", cmd_worker,
            "run background jobs (sync, sending, safety posts) without a screen")
    for name, handler, text in (
            ("fake-page", cmd_fake_page, "serve a fake Facebook page on 127.0.0.1"),
            ("demo", cmd_demo, "fake page + demo database + socialdesk working on it live")):
        p = command(name, handler, text)
        p.add_argument("--seed", type=int, default=1, help="content seed (default 1)")
        p.add_argument("--rate", type=float, default=20.0 if name == "demo" else 0.0,
                       help="new items a minute (fake-page default 0: a fixed page)")
        p.add_argument("--fault", action="append", metavar="NAME[@ENDPOINT][=SHARE]",
                       help="inject a fault (repeatable): rate_limit, server_error, slow, "
                            "reset, truncated_json, token_expired, duplicates, late_items")
        p.add_argument("--slow-seconds", type=float, default=25.0,
                       help="delay of the 'slow' fault")
        if name == "demo":
            p.add_argument("--headless", action="store_true",
                           help="no dashboard: print arriving items (for scripts and CI)")
        if name == "fake-page":
            p.add_argument("--port", type=int, default=0, help="port (default: any free one)")
            p.add_argument("--posts", type=int, default=12)
            p.add_argument("--comments", type=int, default=100)
            p.add_argument("--conversations", type=int, default=15)
    classify = command("classify", cmd_classify,
                       "classify one TEXT, or JSONL on stdin (no TEXT, or -; JSONL with "
                       "predictions out)")
    classify.add_argument("text", nargs="?", metavar="TEXT")
    classify.add_argument("--post", help="the post a comment sits under (context)")
    classify.add_argument("--kind", choices=("comment", "message"))
    train = command("train", cmd_train,
                    "rebuild the model from prompts/ examples + officer corrections")
    train.add_argument("--fast", action="store_true",
                       help="only the fused model (under a minute), without fine-tuning MiniLM "
                       "(the full model takes about 4 minutes on 2 cores and is more accurate)")
    evaluate = command("eval", cmd_eval, "score the model on a labelled JSONL file")
    evaluate.add_argument("file", metavar="FILE")
    evaluate.add_argument("--json", action="store_true", help="one JSON object (DESIGN.md §6)")
    reply = command("reply", cmd_reply, "queue an answer to an item")
    reply.add_argument("item", metavar="ITEM", help="item number or platform id")
    reply.add_argument("text", metavar="TEXT")
    reply.add_argument("--private", action="store_true",
                       help="a private reply to a comment's author (Messenger)")
    reply.add_argument("--send", action="store_true", help="send the outbox now")
    hide = command("hide", cmd_hide, "queue hiding a comment")
    hide.add_argument("item", metavar="ITEM")
    hide.add_argument("--send", action="store_true", help="send the outbox now")
    box = command("outbox", cmd_outbox, "show (list), send, or resend outbox entries")
    box.add_argument("action", nargs="?", choices=("list", "send", "resend"), default="list")
    box.add_argument("entry", nargs="?", type=int)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        args.no_sync = False
        handler = cmd_dashboard
    try:
        return handler(args)
    except UserError as exc:
        print(f"socialdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("socialdesk: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `socialdesk posts templates | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
