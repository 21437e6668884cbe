"""``python -m framing``: the same as the ``framing`` command, from any working directory.

``python -m`` puts the working directory first on ``sys.path``, so a folder there named
``framing`` (an empty one is a namespace package) can take the name of this package before
``framing.cli`` is imported. The package this file belongs to is made ``framing`` again, and the
working directory is dropped from the path, as it is for the ``framing`` command.
"""

import importlib.util
import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _own_package() -> None:
    cwd = os.getcwd()
    if sys.path and sys.path[0] in ("", cwd) and Path(cwd).resolve() != _PACKAGE.parent:
        del sys.path[0]
    current = sys.modules.get("framing")
    where = getattr(current, "__file__", None)
    if where is not None and Path(where).resolve().parent == _PACKAGE:
        return
    for name in [n for n in sys.modules if n == "framing" or n.startswith("framing.")]:
        if name != "framing.__main__":
            del sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        "framing", _PACKAGE / "__init__.py", submodule_search_locations=[str(_PACKAGE)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["framing"] = module
    spec.loader.exec_module(module)


if __name__ == "__main__":
    _own_package()
    from framing.cli import main

    main(prog_name="framing")
