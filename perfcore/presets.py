"""The shipped presets (``data/schemes/<id>.yaml``), found in the wheel or the source tree."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UnknownSchemeError
from .scheme import Scheme, load_scheme

__all__ = ["example_ids", "example_path", "examples_dir", "load_preset", "preset_ids", "preset_path", "presets_dir",
           "resolve_scheme"]


def _data_dir(packaged_name: str, source_name: str) -> Path:
    """A folder of shipped data: inside the installed package, else the source tree's ``data/``."""
    packaged = Path(__file__).with_name(packaged_name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data" / source_name


def presets_dir() -> Path:
    """Where the preset files are: inside the installed package, else the source tree."""
    return _data_dir("presets", "schemes")


def examples_dir() -> Path:
    """Where the example period files are (``data/examples``: each preset's, ``<id>.yaml``)."""
    return _data_dir("examples", "examples")


def example_ids() -> list[str]:
    return sorted(p.stem for p in examples_dir().glob("*.yaml"))


def example_path(name: str) -> Path:
    """The shipped example period file ``name`` (a preset id, or e.g. ``acquisition-bonus-year``)."""
    path = examples_dir() / f"{name}.yaml"
    if not path.is_file():
        raise UnknownSchemeError(name, example_ids())
    return path


def preset_ids() -> list[str]:
    return sorted(p.stem for p in presets_dir().glob("*.yaml"))


def preset_path(scheme_id: str) -> Path:
    path = presets_dir() / f"{scheme_id}.yaml"
    if not path.is_file():
        raise UnknownSchemeError(scheme_id, preset_ids())
    return path


@lru_cache(maxsize=64)
def _load_cached(scheme_id: str) -> Scheme:
    return load_scheme(preset_path(scheme_id))


def load_preset(scheme_id: str, parameters: Mapping[str, Any] | None = None) -> Scheme:
    """Load a preset by id; ``parameters`` override its named parameters."""
    if parameters:
        return load_scheme(preset_path(scheme_id), parameters)
    return _load_cached(scheme_id)


def resolve_scheme(name: str | Path, parameters: Mapping[str, Any] | None = None) -> Scheme:
    """A preset id or the path of a scheme file."""
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.is_file():
        return load_scheme(path, parameters)
    return load_preset(str(name), parameters)
