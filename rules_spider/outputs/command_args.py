"""Shared pieces of the project's scrapy commands: ``-a NAME=VALUE`` parsing, catalog names.

Kept outside ``rules_spider.commands``: Scrapy instantiates every command class
defined in a module of COMMANDS_MODULE, so an abstract base there would break
every command.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict


def split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def catalog_name(value: str) -> str:
    """The catalog's name: ``value`` itself, or the name inside a catalog YAML path."""
    looks_like_path = value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value
    if not looks_like_path:
        return value
    try:
        from rules_spider.catalog import load_catalog
    except ImportError:
        return Path(value).stem
    return str(load_catalog(value).name)


class ArgsCommand(ScrapyCommand):
    """A command taking ``-a NAME=VALUE`` arguments like ``scrapy crawl`` does."""

    requires_project = True
    requires_crawler_process = False

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-a",
            dest="spargs",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="set a command argument (may be repeated)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None

    @staticmethod
    def parse_args(model: type[BaseModel], values: dict[str, str]) -> Any:
        try:
            return model.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}" for err in exc.errors()
            )
            raise UsageError(f"Bad -a arguments: {problems}", print_help=False) from None


class ServerArgs(BaseModel):
    """``-a`` arguments of the commands that serve a catalog locally (``review``, ``mcp``)."""

    model_config = ConfigDict(extra="forbid")

    catalog: str = Field(min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(0, ge=0, le=65535)
    allowed_hosts: list[str] = []

    _split = field_validator("allowed_hosts", mode="before")(split_list)


def catalog_rules_for(settings: Any, value: str) -> tuple[str, Any]:
    """The catalog's name and its crawled rules (``review.catalog_rules.CatalogRules``), or a UsageError."""
    from rules_spider.config import RulesConfig
    from rules_spider.review.catalog_rules import CatalogRules

    name = catalog_name(value)
    try:
        return name, CatalogRules(RulesConfig.from_settings(settings).catalog_dir(name))
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc), print_help=False) from None


def bound_socket(params: ServerArgs) -> tuple[list[str], Any]:
    """The Host header values to accept and the bound socket, or a UsageError saying why not."""
    from rules_spider.review.serve import AddressError, allowed_hosts_for, bind

    try:
        return allowed_hosts_for(params.host, params.allowed_hosts), bind(params.host, params.port)
    except AddressError as exc:
        raise UsageError(str(exc), print_help=False) from None
