"""``model.skops``: the fitted scikit-learn estimators, saved and loaded with skops.

The file holds a dict (the *bundle*): ``features`` (FeatureUnion), the heads
``topics``, ``is_party_building``, ``genre``, ``main``, and facts about the training
(``params``, ``train_ids``, ...). Every type it may hold is listed in
``TRUSTED_TYPES``; a file naming any other type, or written by another
scikit-learn, is refused with the fix (``make train``).
"""
from __future__ import annotations

import copy
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).resolve().with_name("model.skops")
MODEL_FORMAT = 3
HEADS = ("topics", "is_party_building", "genre", "main")

# Every type the model file may hold; anything else is refused on load.
TRUSTED_TYPES: list[str] = [
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.slice",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float64",
    "numpy.float32",
    "numpy.int64",
    "numpy.int32",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.model_selection._split.StratifiedKFold",
]


class ModelError(RuntimeError):
    """The model file is missing, untrusted or built by another scikit-learn."""


def save_model(bundle: dict[str, Any], path: Path = MODEL_PATH) -> None:
    import sklearn
    from skops.io import dump

    bundle = dict(bundle)
    # skops writes a dict entry by entry into its JSON schema, and a vocabulary of
    # 50 000 n-grams is slow to read back that way: keep it as a string array
    features = copy.deepcopy(bundle["features"])
    vocabularies = {}
    for name, vec in features.transformer_list:
        vocabularies[name] = np.asarray(vec.get_feature_names_out(), dtype=str)
        vec.vocabulary_ = {}
    bundle.update(features=features, vocabularies=vocabularies, format=MODEL_FORMAT,
                  sklearn_version=sklearn.__version__)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    untrusted = [t for t in types_named(path) if t not in TRUSTED_TYPES]
    if untrusted:
        raise ModelError(f"model holds types missing from TRUSTED_TYPES: {untrusted}")


def types_named(path: Path) -> list[str]:
    """Every type named in the file (not only those skops itself distrusts)."""
    from skops.io import get_untrusted_types

    found: set[str] = set(get_untrusted_types(file=path))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    with zipfile.ZipFile(path) as z:
        walk(json.loads(z.read("schema.json")))
    return sorted(found)


def load_model(path: Path | str = MODEL_PATH) -> dict[str, Any]:
    """The bundle of a model file; refuses one built with another scikit-learn."""
    import sklearn
    from skops.io import load

    path = Path(path)
    if not path.exists():
        raise ModelError(f"no classifier model at {path}: run `make train` to build it")
    try:
        untrusted = [t for t in types_named(path) if t not in TRUSTED_TYPES]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ModelError(f"refusing {path}: not a readable skops file ({e}); run `make train`") from e
    if untrusted:
        raise ModelError(f"refusing {path}: it holds types that are not trusted: {untrusted}")
    with warnings.catch_warnings():
        # skops warns about a version mismatch itself; we check and refuse below
        warnings.simplefilter("ignore")
        bundle = load(path, trusted=TRUSTED_TYPES)
    built = bundle.get("sklearn_version")
    if built != sklearn.__version__:
        raise ModelError(
            f"refusing {path}: it was built with scikit-learn {built}, this environment has "
            f"{sklearn.__version__}; rebuild it with `make train` (or install scikit-learn=={built})"
        )
    if bundle.get("format") != MODEL_FORMAT:
        raise ModelError(f"refusing {path}: model format {bundle.get('format')}, expected {MODEL_FORMAT}")
    for name, vec in bundle["features"].transformer_list:
        vec.vocabulary_ = {str(t): i for i, t in enumerate(bundle["vocabularies"][name])}
    return bundle


def model_info(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle's facts about the training (everything but estimators and tables)."""
    return {k: v for k, v in bundle.items() if k not in ("features", "vocabularies", *HEADS)}
