"""The skeleton every task shares: what a task is for the config runner, config checks, model
and dataset building, the full-batch data module, the trainer, and best-checkpoint metrics.

A task module defines its ``DEFAULTS``, ``validate(cfg)``, a LightningModule and
``run(cfg, seed, seed_dir, ckpt_path) -> {metric: value}``, and exposes them as a
:class:`TaskSpec` named ``TASK``; :mod:`hypergraph.tasks` registers every ``TASK``.  Task
modules import this one and never each other.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
from omegaconf import DictConfig, OmegaConf
from torch.utils.data import DataLoader, Dataset

from hypergraph.progress import progress_enabled
from hypergraph.registry import DATASETS, MODELS, check_kwargs

CtorIgnore = ("in_channels", "out_channels")
RUN_SEED = "seed"  # dataset.feature_seed: seed = each run's own seed (a new feature draw per seed)


@dataclass
class TaskSpec:
    """A task: its default config and how to run one seed.

    Attributes:
        name: registry name (the config's ``task:``).
        defaults: the task's config sections (merged over the runner's common keys).
        run: ``run(cfg, seed, seed_dir, ckpt_path) -> {metric: float}``.
        open_sections: sections whose keys depend on a chosen class (``dataset``, ``model``,
            ``trainer``) and are validated by ``validate`` instead of by OmegaConf's struct mode.
        validate: ``validate(cfg)`` raises ``KeyError``/``ValueError`` on bad values.
    """

    name: str
    defaults: dict[str, Any]
    run: Callable[[DictConfig, int, Path, str | None], dict[str, float]]
    open_sections: tuple[str, ...] = ("dataset", "model", "trainer")
    validate: Callable[[DictConfig], None] = field(default=lambda cfg: None)


def defaults(d: dict[str, Any]) -> dict[str, Any]:
    """A plain-container copy of a task's default sections (what :class:`TaskSpec` holds)."""
    return OmegaConf.to_container(OmegaConf.create(d))


TRAINER_DEFAULTS: dict[str, Any] = {
    "max_epochs": 200,
    "accelerator": "cpu",
    "devices": 1,
    "strategy": "auto",
    "enable_progress_bar": None,  # None: on when the output is a terminal, off in logs and CI
    "log_every_n_steps": 1,
    "deterministic": False,
}


# ------------------------------------------------------------------------------ config checks
def check_section(section: DictConfig | dict, allowed: Iterable[str], where: str) -> None:
    """Raise ``KeyError`` naming the keys of ``section`` outside ``allowed``."""
    allowed = tuple(allowed)
    unknown = sorted(set(section.keys()) - set(allowed))
    if unknown:
        raise KeyError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in '{where}'; valid: {', '.join(allowed)}"
        )


def check_choice(value: Any, choices: Iterable[str], where: str) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"unknown {where} {value!r}; valid: {', '.join(choices)}")


def validate_trainer(trainer_cfg: DictConfig) -> None:
    check_kwargs(pl.Trainer.__init__, dict(trainer_cfg), "trainer")


def model_class(model_cfg: DictConfig | dict, where: str = "model", ignore: tuple = CtorIgnore) -> type:
    """The registered class named by ``<where>.name``, after checking its keyword arguments."""
    if "name" not in model_cfg:
        raise KeyError(f"{where}.name is required; valid models: {', '.join(MODELS.names())}")
    cls = MODELS.get(model_cfg["name"])
    kwargs = {k: v for k, v in model_cfg.items() if k != "name"}
    if "hidden" in kwargs and "hidden" not in inspect.signature(cls.__init__).parameters:
        raise KeyError(f"{where}.hidden is not a key: the hidden size is {where}.hidden_channels")
    check_kwargs(cls.__init__, kwargs, f"{where} '{model_cfg['name']}'", ignore=ignore)
    check_model_values(kwargs, where)
    return cls


def check_model_values(kwargs: dict[str, Any], where: str = "model") -> None:
    """Refuse widths below 1 (0 trains a constant model, < 0 fails deep in torch) and dropout
    rates outside [0, 1] (they fail only at the first forward pass, mid-training)."""
    for key, value in kwargs.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if key.endswith(("_channels", "_hidden")) and value < 1:
            raise ValueError(f"{where}.{key} must be >= 1, got {value}")
        if (key == "dropout" or key.endswith("_dropout")) and not 0.0 <= value <= 1.0:
            raise ValueError(f"{where}.{key} must be in [0, 1], got {value}")


def accepts(cls: type, arg: str) -> bool:
    """Whether ``cls(...)`` takes the keyword ``arg``."""
    return arg in inspect.signature(cls.__init__).parameters


def build_model(model_cfg: DictConfig | dict, cached: bool = False, **sizes: Any) -> torch.nn.Module:
    """Instantiate ``model_cfg.name`` with its keyword arguments and ``sizes``, the arguments
    fixed by the data (``in_channels=..., out_channels=...`` for node models).
    ``cached=True`` passes ``cached=True`` to models that take it (full-batch training on a
    fixed structure: the normalised operator is built once).
    """
    kwargs = {k: v for k, v in dict(model_cfg).items() if k != "name"}
    name = model_cfg["name"]
    cls = MODELS.get(name)
    if cached and accepts(cls, "cached"):
        kwargs.setdefault("cached", True)
    kwargs.update(sizes)
    try:
        return cls(**kwargs)
    except (RuntimeError, AssertionError) as err:  # torch's own checks, e.g. a negative size
        raise ValueError(f"model '{name}' cannot be built from {dict(model_cfg)}: {err}") from None


def validate_dataset(dataset_cfg: DictConfig) -> None:
    """Check ``dataset.name`` (a registered name, or a user's folder found under ``root``) and the
    loader's keyword arguments."""
    from hypergraph.datasets import loader_for

    fs = dataset_cfg.get("feature_seed")
    if not (fs is None or fs == RUN_SEED or (isinstance(fs, int) and not isinstance(fs, bool))):
        raise ValueError(f"dataset.feature_seed must be an integer or '{RUN_SEED}' (run seed), got {fs!r}")
    if "name" not in dataset_cfg:
        raise KeyError(f"dataset.name is required; valid datasets: {', '.join(DATASETS.names())}")
    name = dataset_cfg.name
    try:
        loader = loader_for(name, dataset_cfg.get("root"), dataset_cfg.get("format"))
    except (FileNotFoundError, ValueError) as err:
        raise ValueError(
            f"unknown dataset {name!r}; valid datasets: {', '.join(DATASETS.names())}. {err}"
        ) from None
    kwargs = {k: v for k, v in dataset_cfg.items() if k not in ("name", "root", "format", "download")}
    check_kwargs(loader, kwargs, f"dataset '{name}'")


def validate_sections(cfg: DictConfig) -> None:
    """Check the ``dataset``, ``model`` and ``trainer`` sections every model-training task has."""
    validate_dataset(cfg.dataset)
    model_class(cfg.model)
    validate_trainer(cfg.trainer)


def load_dataset(dataset_cfg: DictConfig | dict) -> Any:
    """Load ``dataset.name`` with the other keys of the section as the loader's arguments."""
    from hypergraph.datasets import load_dataset as load

    kwargs = dict(dataset_cfg)
    return load(kwargs.pop("name"), **kwargs)


# ------------------------------------------------------------------------------------- data
class _Single(Dataset):
    def __init__(self, item: Any) -> None:
        self.item = item

    def __len__(self) -> int:
        return 1

    def __getitem__(self, i: int) -> Any:
        return self.item


def _first(batch: list) -> Any:
    return batch[0]


class FullBatchDataModule(pl.LightningDataModule):
    """Serves one batch per stage: ``train`` (and ``val`` / ``test``, default ``train``) whole.

    The batch object needs a ``.to(device)`` method (a :class:`Hypergraph`, or a list of such
    objects, each moved).
    """

    def __init__(self, train: Any, val: Any = None, test: Any = None) -> None:
        super().__init__()
        self.items = {
            "train": train,
            "val": train if val is None else val,
            "test": train if test is None else test,
        }

    def _loader(self, stage: str) -> DataLoader:
        return DataLoader(_Single(self.items[stage]), batch_size=1, collate_fn=_first)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train")

    def val_dataloader(self) -> DataLoader:
        return self._loader("val")

    def test_dataloader(self) -> DataLoader:
        return self._loader("test")

    def transfer_batch_to_device(self, batch: Any, device: torch.device, dataloader_idx: int) -> Any:
        if isinstance(batch, list):
            return [b.to(device) for b in batch]
        return batch.to(device)


class LoaderDataModule(pl.LightningDataModule):
    """Wraps ready-made ``train`` / ``val`` / ``test`` data loaders (mini-batch tasks)."""

    def __init__(self, train: DataLoader, val: DataLoader, test: DataLoader) -> None:
        super().__init__()
        self.loaders = {"train": train, "val": val, "test": test}

    def train_dataloader(self) -> DataLoader:
        return self.loaders["train"]

    def val_dataloader(self) -> DataLoader:
        return self.loaders["val"]

    def test_dataloader(self) -> DataLoader:
        return self.loaders["test"]


# ------------------------------------------------------------------------------ training
class AdamModule(pl.LightningModule):
    """A LightningModule optimised by Adam with ``lr`` and ``weight_decay``.

    A wrapped ``self.model`` with a ``param_groups(weight_decay=...)`` method (e.g. UniGCNII,
    whose convolutions take a stronger decay) supplies its own parameter groups.
    """

    def __init__(self, lr: float = 0.01, weight_decay: float = 5e-4) -> None:
        super().__init__()
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        model = getattr(self, "model", None)
        if hasattr(model, "param_groups"):
            params = model.param_groups(weight_decay=self.weight_decay)
        else:
            params = self.parameters()
        return torch.optim.Adam(params, lr=self.lr, weight_decay=self.weight_decay)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block on one torch (and MKL) thread, then restore the thread count.

    On some CPUs (AVX-512 with torch's MKL here) a matmul with a long inner dimension splits
    that sum between threads, so a weight gradient (a sum over every row of a batch) changes in
    its last bits with ``torch.set_num_threads``, and a selection step (the best checkpoint)
    can amplify that.  A backward run inside this block gives the ``num_threads=1`` gradients
    whatever the run's thread count; the forward keeps every thread."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


def seed_everything(seed: int) -> None:
    pl.seed_everything(int(seed), workers=True, verbose=False)


def build_trainer(
    trainer_cfg: DictConfig | dict,
    seed_dir: Path,
    monitor: str | None = "val_acc",
    mode: str = "max",
    callbacks: list | None = None,
) -> tuple[pl.Trainer, Any]:
    """A Lightning ``Trainer`` writing CSV logs and checkpoints (best by ``monitor``, and last)
    under ``seed_dir``.  Returns ``(trainer, checkpoint_callback)``."""
    from lightning.pytorch.callbacks import ModelCheckpoint

    kwargs = (
        OmegaConf.to_container(trainer_cfg, resolve=True)
        if isinstance(trainer_cfg, DictConfig)
        else dict(trainer_cfg)
    )
    quiet_lightning()
    ckpt = ModelCheckpoint(
        dirpath=str(seed_dir / "checkpoints"),
        filename="best",
        monitor=monitor,
        mode=mode,
        save_last=True,
        save_top_k=1 if monitor else 0,
        enable_version_counter=False,
    )
    kwargs.setdefault("enable_model_summary", False)
    if kwargs.get("enable_progress_bar") is None:
        kwargs["enable_progress_bar"] = progress_enabled()  # a terminal, or $HYPERGRAPH_PROGRESS
    logger = make_logger(kwargs.pop("logger", "csv"), seed_dir)
    trainer = pl.Trainer(
        default_root_dir=str(seed_dir), logger=logger, callbacks=[ckpt, *(callbacks or [])], **kwargs
    )
    return trainer, ckpt


LOGGERS = ("csv", "tensorboard", "none")


def make_logger(kind: Any, seed_dir: Path) -> Any:
    """``csv`` (``<seed_dir>/logs/metrics.csv``, the default), ``tensorboard``
    (``<seed_dir>/tb``; needs the ``tensorboard`` extra) or ``none``."""
    kind = "none" if kind in (False, None) else "csv" if kind is True else str(kind)
    check_choice(kind, LOGGERS, "logger")
    if kind == "none":
        return False
    if kind == "tensorboard":
        from lightning.pytorch.loggers import TensorBoardLogger

        try:
            return TensorBoardLogger(str(seed_dir), name="tb", version="")
        except ModuleNotFoundError as err:
            raise ModuleNotFoundError(
                "logger=tensorboard needs TensorBoard: pip install -e '.[tensorboard]'"
            ) from err
    from lightning.pytorch.loggers import CSVLogger

    return CSVLogger(str(seed_dir), name="logs", version="")


class _DropTip(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "litlogger" not in record.getMessage()


def quiet_lightning() -> None:
    """Drop Lightning's per-run litlogger advertisement and the ``LeafSpec`` deprecation that
    torch's pytree raises inside Lightning (neither is actionable for our users)."""
    from lightning_utilities.core import rank_zero

    names = ("lightning.pytorch.utilities.rank_zero", "lightning.fabric.utilities.rank_zero")
    for log in (*map(logging.getLogger, names), rank_zero.log):  # whichever one Lightning routes through
        if not any(isinstance(f, _DropTip) for f in log.filters):
            log.addFilter(_DropTip())
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")


def fit_then_test(
    module: pl.LightningModule,
    datamodule: pl.LightningDataModule,
    trainer_cfg: DictConfig,
    seed_dir: Path,
    ckpt_path: str | None = None,
    monitor: str = "val_acc",
    mode: str = "max",
    callbacks: list | None = None,
    validate: bool = False,
) -> dict[str, float]:
    """Fit (resuming from ``ckpt_path``), then test — and with ``validate`` also validate — at
    the best-``monitor`` checkpoint (never selected on test).

    Returns the logged test (and validation) metrics plus ``best_epoch`` (-1 without a best
    checkpoint) and ``epochs`` (epochs run).
    """
    trainer, ckpt = build_trainer(trainer_cfg, seed_dir, monitor=monitor, mode=mode, callbacks=callbacks)
    trainer.fit(module, datamodule=datamodule, ckpt_path=ckpt_path)
    best = ckpt.best_model_path or None
    out: dict[str, float] = {}
    out.update(trainer.test(module, datamodule=datamodule, ckpt_path=best, verbose=False)[0])
    if validate:
        out.update(trainer.validate(module, datamodule=datamodule, ckpt_path=best, verbose=False)[0])
    out = {k: float(v) for k, v in out.items()}
    out["best_epoch"] = float(checkpoint_epoch(best))
    out["epochs"] = float(trainer.current_epoch)
    return out


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """A Lightning checkpoint (or a plain state dict) read with ``weights_only=True``."""
    return torch.load(path, map_location="cpu", weights_only=True)


def checkpoint_epoch(path: str | Path | None) -> int:
    """The epoch stored in a checkpoint, -1 without one."""
    if not path:
        return -1
    return int(load_checkpoint(path).get("epoch", -1))
