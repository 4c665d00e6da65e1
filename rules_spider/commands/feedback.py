"""``scrapy feedback``: record, import and inspect feedback on rules; retrain the model.

    scrapy feedback --rule ID --signal usage_success --value 0.8 [--context JSON] [--source cli]
    scrapy feedback --import events.jsonl
    scrapy feedback --stats [--limit 20]
    scrapy feedback --retrain

The store lives in ``RULES_STATE_DIR`` (default ``<RULES_OUTPUT_DIR>/state``).
``--import`` reads one JSON signal per line (fields: rule_id, signal_type,
value, and optionally context, source, timestamp as ISO 8601 with a zone);
bad lines are reported as ``FILE:LINE: reason``, the good ones are imported,
and the exit code is 1 if any line was bad.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from rules_spider.config import RulesConfig
from rules_spider.learning.signals import FeedbackSignal, InvalidSignalError, make_signal
from rules_spider.learning.store import FeedbackStore

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator, Sequence

    from rules_spider.learning.engine import SelfImprovingEngine

IMPORT_BATCH = 5000


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    numeric = [
        bool(rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def parse_jsonl(path: Path, default_source: str) -> Iterator[tuple[int, FeedbackSignal | str]]:
    """``(line number, signal or error message)`` for each non-blank line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not JSON: {exc.msg} (column {exc.colno})"
                continue
            if not isinstance(data, dict):
                yield number, f"expected a JSON object, got {type(data).__name__}"
                continue
            try:
                yield number, make_signal(**{"source": default_source, **data})
            except InvalidSignalError as exc:
                yield number, str(exc)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return (
            "--rule ID --signal TYPE --value V [--context JSON] [--source NAME] | "
            "--import FILE | --stats | --retrain"
        )

    def short_desc(self) -> str:
        return "Record, import or summarise feedback on rules; retrain the rule model"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        group = parser.add_argument_group(title="Feedback")
        group.add_argument(
            "--rule", dest="rule_id", metavar="ID", help="id of the rule the signal is about"
        )
        group.add_argument(
            "--signal",
            metavar="TYPE",
            help="usage_success, user_rating, effectiveness, relevance, quality_score "
            "or a custom name",
        )
        group.add_argument("--value", metavar="V", help="how well the rule did, from 0 to 1")
        group.add_argument("--context", metavar="JSON", help="a JSON object stored with the signal")
        group.add_argument(
            "--source", help="who sends the signals (default: cli, or import with --import)"
        )
        group.add_argument(
            "--import",
            dest="import_path",
            metavar="FILE",
            help="import signals from a JSON-lines file",
        )
        group.add_argument(
            "--stats", action="store_true", help="print feedback per rule, technology and context"
        )
        group.add_argument(
            "--limit",
            type=int,
            default=20,
            metavar="N",
            help="rules shown by --stats (default: 20)",
        )
        group.add_argument(
            "--retrain", action="store_true",
            help="refit the rule model on the shipped corpus plus your labeled units now"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError(f"unexpected arguments: {' '.join(args)}")
        record = any(v is not None for v in (opts.rule_id, opts.signal, opts.value, opts.context))
        chosen = [record, opts.import_path is not None, opts.stats, opts.retrain]
        if sum(chosen) != 1:
            raise UsageError(
                "choose one action: --rule/--signal/--value, --import FILE, --stats or --retrain"
            )
        try:
            config = RulesConfig.from_settings(self.settings)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if record or opts.import_path is not None:
            with FeedbackStore(config.state_dir) as store:
                if record:
                    self._record(store, opts)
                else:
                    self._import(store, Path(opts.import_path), opts.source)
            return
        # Imported here, not at the top: scrapy imports every command module to
        # list them, and the engine pulls in scikit-learn and scipy.
        from rules_spider.learning.engine import SelfImprovingEngine

        with SelfImprovingEngine.from_config(config) as engine:
            if opts.stats:
                self._stats(engine, opts.limit)
            else:
                self._retrain(engine)

    def _record(self, store: FeedbackStore, opts: argparse.Namespace) -> None:
        missing = [
            f"--{name}"
            for name, value in (
                ("rule", opts.rule_id),
                ("signal", opts.signal),
                ("value", opts.value),
            )
            if value is None
        ]
        if missing:
            raise UsageError(f"recording a signal needs {', '.join(missing)}", print_help=False)
        try:
            value = float(opts.value)
        except ValueError:
            raise UsageError(f"--value {opts.value!r} is not a number", print_help=False) from None
        context = None
        if opts.context is not None:
            try:
                context = json.loads(opts.context)
            except json.JSONDecodeError as exc:
                raise UsageError(f"--context is not JSON: {exc.msg}", print_help=False) from None
        source = opts.source or "cli"
        try:
            signal_id = store.add_signal(opts.rule_id, opts.signal, value, context, source)
        except InvalidSignalError as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        print(
            f"recorded signal {signal_id}: rule {opts.rule_id} "
            f"{opts.signal}={value:g} (source {source})"
        )

    def _import(self, store: FeedbackStore, path: Path, source: str | None) -> None:
        if not path.is_file():
            raise UsageError(f"--import {path}: no such file", print_help=False)
        imported = bad = 0
        pending: list[FeedbackSignal] = []
        for number, parsed in parse_jsonl(path, default_source=source or "import"):
            if isinstance(parsed, str):
                bad += 1
                print(f"{path}:{number}: {parsed}", file=sys.stderr)
                continue
            pending.append(parsed)
            if len(pending) >= IMPORT_BATCH:
                imported += len(store.add_signals(pending))
                pending = []
        imported += len(store.add_signals(pending))
        print(f"imported {imported} signals from {path}; {bad} bad lines")
        if bad:
            self.exitcode = 1

    def _stats(self, engine: SelfImprovingEngine, limit: int) -> None:
        from rules_spider.learning.abtest import all_tests
        from rules_spider.learning.batches import BATCHES_KEY

        since = engine.window_start()
        report = engine.usage_report(limit=limit)
        total = engine.store.signal_count(since=since)
        print(
            f"Feedback in the last {engine.config.feedback_window_hours:g} h: {total} signals "
            f"on {sum(t.rated_rules for t in report.technologies)} rules ({engine.store.path})"
        )
        self._print_model(engine)
        print("\nPer technology")
        print(
            format_table(
                ["technology", "rules", "signals", "mean", "success"],
                [
                    [t.technology, t.rated_rules, t.signals, t.mean_value, t.success_rate]
                    for t in report.technologies
                ],
            )
        )
        print(f"\nPer rule (top {limit} by signals)")
        print(
            format_table(
                ["rule", "technology", "signals", "mean", "success", "title"],
                [
                    [r.rule_id, r.technology, r.signals, r.mean_value, r.success_rate, r.title[:60]]
                    for r in report.rules
                ],
            )
        )
        if report.contexts:
            print("\nPer context value")
            print(
                format_table(
                    ["key", "value", "signals", "mean"],
                    [[c.key, c.value[:40], c.signals, c.mean_value] for c in report.contexts],
                )
            )
        batches = engine.store.get_state(BATCHES_KEY)
        if batches:
            print(
                f"\nGlobal reward: {batches['total_reward']:.4f} over {len(batches['history'])} "
                f"batches ({batches['rewarded_batches']} rewarded)"
            )
        tests = all_tests(engine.store)
        if tests:
            print("\nA/B tests")
            print(
                format_table(
                    ["test", "rule", "status", "winner", "test used", "p-value", "n a", "n b"],
                    [
                        [
                            t.test_id,
                            t.rule_id,
                            d.status if d else "open",
                            d.winner if d else None,
                            d.test_name if d else None,
                            d.p_value if d else None,
                            d.n_a if d else None,
                            d.n_b if d else None,
                        ]
                        for t in tests
                        for d in [t.decision]
                    ],
                )
            )

    def _print_model(self, engine: SelfImprovingEngine) -> None:
        loaded, reason = engine.usable_model()
        if loaded is None:
            print(f"Model: none: {reason}")
            return
        card = loaded.card
        origin = "retrained here" if card.user_labels else "shipped"
        print(
            f"Model: {card.model_version} ({origin}), trained {card.trained_at:%Y-%m-%d %H:%M} UTC on "
            f"{card.units} units ({card.user_labels} of them yours), threshold {card.threshold:.3f}, "
            f"leave-one-set-out mean precision {_cell(card.mean_precision)} recall {_cell(card.mean_recall)}"
        )

    def _retrain(self, engine: SelfImprovingEngine) -> None:
        report = engine.retrain(force=True)
        if report.status != "trained" or report.card is None:
            print(f"not trained: {report.detail}")
            return
        card = report.card
        print(f"model version: {card.model_version}")
        print(f"training data: {card.units} units, {card.user_labels} of them your labels "
              f"(each weighs {card.user_label_weight:g} corpus units)")
        print(f"threshold: {card.threshold:.3f} ({card.threshold_rule})")
        print("leave-one-set-out (your labels are the set 'user'):")
        print(format_table(["held-out set", "units", "positives", "precision", "recall"],
                           [[row.name, row.units, row.positives, row.precision, row.recall] for row in report.per_set]))
        print(f"mean precision {_cell(card.mean_precision)}, mean recall {_cell(card.mean_recall)}")
        print(f"saved in {engine.state_dir}; the next crawl with this state directory uses it")
        print(f"training time: {report.seconds:.1f} s")
