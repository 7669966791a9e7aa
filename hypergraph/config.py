"""Configuration for :mod:`hypergraph.train`: the runner's common keys, reading and merging a
config (task defaults, YAML file, dotted overrides), key and type checks, and the check that a
resumed run keeps its config."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError

from hypergraph.registry import TASKS

DEFAULT_TASK = "node_classification"

COMMON_DEFAULTS: dict[str, Any] = {
    "task": DEFAULT_TASK,
    "seeds": [0],
    "out_dir": "runs",
    "run_dir": None,
    "resume": False,
    "ckpt_path": None,
    "num_threads": None,
    "logger": "csv",
}

# keys that may differ between a run and its resumption
RESUME_FREE = ("resume", "run_dir", "ckpt_path", "num_threads", "out_dir", "logger")
# ``logger`` too: the runner copies the top-level ``logger`` into ``trainer.logger``
RESUME_FREE_TRAINER = (
    "max_epochs",
    "enable_progress_bar",
    "devices",
    "accelerator",
    "strategy",
    "num_nodes",
    "logger",
)


class ConfigError(ValueError):
    """A configuration names an unknown key, task or value."""


class RunError(RuntimeError):
    """A run produced no valid result (e.g. non-finite metrics)."""


def parse_seeds(items: Sequence[str]) -> list[int]:
    """Command-line seeds: ``["0..4", "7", "9,11"]`` → ``[0, 1, 2, 3, 4, 7, 9, 11]`` (ranges
    inclusive; an empty range, a repeated seed or a non-integer is a :class:`ConfigError`)."""
    seeds: list[int] = []
    for item in items:
        for part in filter(None, str(item).split(",")):
            m = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", part.strip())
            try:
                seeds += list(range(int(m[1]), int(m[2]) + 1)) if m else [int(part)]
            except ValueError:
                raise ConfigError(f"seeds {item!r}: expected integers or ranges like 0..9") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise ConfigError(f"seeds {list(items)}: give distinct seeds, e.g. 0..9")
    return seeds


def read_config_file(path: str) -> DictConfig:
    """The YAML mapping in ``path``, or a :class:`ConfigError` naming what is wrong with it."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"config file {path!r} not found")
    if p.is_dir():
        raise ConfigError(f"config={path!r} is a folder; give a YAML file, e.g. {path}/default.yaml")
    try:
        user = OmegaConf.load(p)
    except Exception as err:  # noqa: BLE001 - YAML / OmegaConf parse errors of many types
        raise ConfigError(f"cannot read config file {path!r}: {err}") from None
    if not isinstance(user, DictConfig):
        raise ConfigError(f"config file {path!r} must hold a mapping of keys, not a {type(user).__name__}")
    return user


def load_config(config_path: str | None = None, overrides: Sequence[str] = ()) -> DictConfig:
    """Merge task defaults, the YAML file and the overrides; validate every key and type."""
    user = read_config_file(config_path) if config_path else OmegaConf.create({})
    try:
        cli = OmegaConf.from_dotlist(list(overrides))
    except Exception as err:  # noqa: BLE001
        raise ConfigError(f"cannot parse overrides {list(overrides)}: {err}") from None
    task_name = cli.get("task", None) or user.get("task", None) or DEFAULT_TASK
    try:
        task = TASKS.get(task_name)
    except KeyError as err:
        raise ConfigError(err.args[0]) from None
    base = OmegaConf.create({**COMMON_DEFAULTS, **task.defaults})
    OmegaConf.set_struct(base, True)
    for key in task.open_sections:  # sections validated by the task against signatures
        if key in base:
            OmegaConf.set_struct(base[key], False)
    try:
        cfg = OmegaConf.merge(base, user, cli)
    except (ConfigKeyError, ConfigAttributeError) as err:
        raise ConfigError(_unknown_key_message(err, base)) from None
    if isinstance(cfg.seeds, int):
        cfg.seeds = [cfg.seeds]
    if not isinstance(cfg.seeds, ListConfig) or not all(isinstance(s, int) for s in cfg.seeds):
        raise ConfigError(f"seeds must be an int or a list of ints, got {cfg.seeds}")
    if len(cfg.seeds) == 0:
        raise ConfigError("seeds is empty: give at least one seed, e.g. seeds=[0]")
    if len(set(cfg.seeds)) != len(cfg.seeds):
        raise ConfigError(f"seeds has repeats: {list(cfg.seeds)}")
    check_types(cfg, base)
    if "trainer" in cfg and cfg.trainer.get("max_epochs") is not None and int(cfg.trainer.max_epochs) < 1:
        raise ConfigError(
            f"trainer.max_epochs must be >= 1 (an untrained model is no result), got {cfg.trainer.max_epochs}"
        )
    task.validate(cfg)
    return cfg


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    return "other"


def check_types(cfg: DictConfig, base: DictConfig, prefix: str = "") -> None:
    """Every value whose default is a bool / number / string must have that kind (an int where a
    float is expected is fine; ``null`` is allowed where the default is ``null``)."""
    for key in base:
        if key not in cfg:
            continue
        full = f"{prefix}{key}"
        default, value = base[key], cfg[key]
        if isinstance(default, DictConfig):
            if isinstance(value, DictConfig):
                check_types(value, default, f"{full}.")
            elif value is not None:
                raise ConfigError(f"config key '{full}' must be a section (mapping), got {value!r}")
            continue
        want, got = _kind(default), _kind(value)
        if want == "other" or value is None or want == got:
            if want == "number" and got == "number" and isinstance(default, int) and isinstance(value, float):
                if not value.is_integer():
                    raise ConfigError(f"config key '{full}' must be an integer, got {value!r}")
                cfg[key] = int(value)
            continue
        raise ConfigError(f"config key '{full}' must be a {want} like its default {default!r}, got {value!r}")


def _unknown_key_message(err: Exception, base: DictConfig) -> str:
    full_key = getattr(err, "full_key", None) or ""
    parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
    node = OmegaConf.select(base, parent) if parent else base
    valid = ", ".join(sorted(node.keys())) if isinstance(node, DictConfig) else ""
    where = f" in '{parent}'" if parent else ""
    return f"unknown config key '{full_key}'{where}; valid keys: {valid}"


# keys that say where and how a run ran, not what it computed: a sweep does not write them into
# the config it chooses, and runs that differ only in them may be pooled (``hypergraph.summary``);
# ``trainer.max_epochs`` is not one of them (it changes the result)
RUN_LOCAL = (
    *RESUME_FREE,
    "dataset.root",
    *(f"trainer.{k}" for k in RESUME_FREE_TRAINER if k != "max_epochs"),
)
# what a resumed run may change
_RESUME_IGNORED = (*RESUME_FREE, *(f"trainer.{k}" for k in RESUME_FREE_TRAINER))


def config_diff(old: dict, new: dict, ignore: Sequence[str] = _RESUME_IGNORED, prefix: str = "") -> list[str]:
    """The dotted keys whose values differ between two config containers, as ``"key (old -> new)"``,
    skipping the dotted keys in ``ignore`` (default: those a resumed run may change)."""
    keys = []
    for k in sorted(set(old) | set(new)):
        if f"{prefix}{k}" in ignore:
            continue
        a, b = old.get(k, "<missing>"), new.get(k, "<missing>")
        if isinstance(a, dict) and isinstance(b, dict):
            keys += config_diff(a, b, ignore, f"{prefix}{k}.")
        elif a != b:
            keys.append(f"{prefix}{k} ({a!r} -> {b!r})")
    return keys


def check_resume(cfg: DictConfig, run_dir: Path) -> None:
    if not cfg.run_dir:
        raise ConfigError("resume=true needs run_dir=DIR (the folder of the run to finish)")
    stored = run_dir / "config.yaml"
    if not stored.is_file():
        raise ConfigError(f"resume=true: {run_dir} holds no run (no config.yaml); nothing to resume")
    old = OmegaConf.to_container(OmegaConf.load(stored), resolve=False)
    diff = config_diff(old, OmegaConf.to_container(cfg, resolve=False))
    if diff:
        raise ConfigError(
            f"resume=true with a config that differs from the run in {run_dir}: {'; '.join(diff[:5])}"
            " — resume with the same config, or start a new run_dir"
        )
