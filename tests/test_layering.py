"""The house has floors (README, "Layout"): an app imports only apps below it, and no two
modules import each other, directly or around a loop. Read from the code's own imports."""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

# Top to bottom; apps on one floor do not import each other.
FLOORS = [
    ["bench"],
    ["config"],  # settings name apps by string; the URLs import every app's views
    ["demo"],
    ["home"],
    ["reports"],
    ["awards"],
    ["supervision"],
    ["pledges", "duties", "exchange"],  # exchange: the office publishes as with its reading lists (activities)
    ["evaluations", "activities", "notices"],
    ["accounts"],
    ["campaigns"],
    ["branches"],
    ["formguard"],
    ["core"],
]
FLOOR_OF = {app: n for n, apps in enumerate(FLOORS) for app in apps}
BASE = Path(settings.BASE_DIR)


def _modules():
    """Each project module (migrations and tests aside) with the project modules it imports."""
    found = {}
    for app in FLOOR_OF:
        for path in (BASE / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(BASE).with_suffix("")
            parts = list(relative.parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join(parts)
            package = parts if is_package else parts[:-1]
            imports = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imports |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    if node.level:
                        base = package[: len(package) - node.level + 1]
                        module = ".".join(base + ([node.module] if node.module else []))
                    else:
                        module = node.module or ""
                    imports.add(module)
                    imports |= {f"{module}.{alias.name}" for alias in node.names}
            found[name] = {m for m in imports if m.split(".")[0] in FLOOR_OF}
    return found


def test_no_app_imports_an_app_above_it_or_beside_it():
    offenders = []
    for module, imports in _modules().items():
        app = module.split(".")[0]
        for imported in imports:
            other = imported.split(".")[0]
            if other != app and FLOOR_OF[other] <= FLOOR_OF[app]:
                offenders.append(f"{module} -> {imported}")
    assert not offenders, sorted(offenders)


def test_no_import_cycle_between_modules():
    modules = _modules()
    graph = defaultdict(set)
    for module, imports in modules.items():
        for imported in imports:
            # ``from x import y`` names module x.y when it exists, else a name defined in x.
            target = imported if imported in modules else imported.rpartition(".")[0]
            if target in modules and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles
