"""What a task is for the config runner, and the Lightning trainer every task shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hypergraph.registry import TASKS, check_kwargs


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


def register_task(spec: TaskSpec) -> TaskSpec:
    TASKS.register(spec.name, spec)
    return spec


TRAINER_DEFAULTS: dict[str, Any] = {
    "max_epochs": 200,
    "accelerator": "cpu",
    "devices": 1,
    "strategy": "auto",
    "enable_progress_bar": True,
    "log_every_n_steps": 1,
    "deterministic": False,
}


def validate_trainer(trainer_cfg: DictConfig) -> None:
    import lightning.pytorch as pl

    check_kwargs(pl.Trainer.__init__, dict(trainer_cfg), "trainer")


def build_trainer(
    trainer_cfg: DictConfig | dict,
    seed_dir: Path,
    monitor: str | None = "val_acc",
    mode: str = "max",
    callbacks: list | None = None,
) -> tuple[Any, Any]:
    """A Lightning ``Trainer`` writing CSV logs and checkpoints (best by ``monitor``, and last)
    under ``seed_dir``.  Returns ``(trainer, checkpoint_callback)``."""
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import ModelCheckpoint
    from lightning.pytorch.loggers import CSVLogger

    kwargs = (
        OmegaConf.to_container(trainer_cfg, resolve=True)
        if isinstance(trainer_cfg, DictConfig)
        else dict(trainer_cfg)
    )
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
    trainer = pl.Trainer(
        default_root_dir=str(seed_dir),
        logger=CSVLogger(str(seed_dir), name="logs", version=""),
        callbacks=[ckpt, *(callbacks or [])],
        **kwargs,
    )
    return trainer, ckpt
