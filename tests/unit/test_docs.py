"""docs/protocol.md must name every frame type, error code, URL, event kind and system event the code uses.

The names are collected from the code itself (the pydantic unions, the AST of the modules that raise
errors or append events, and the Flask URL map), so adding one without documenting it fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "docs" / "protocol.md"
DOCUMENTED_PREFIXES = ("/api/v1", "/login", "/logout", "/healthz", "/ws/")
# call name -> position of the positional argument that holds the event kind
EVENT_APPENDERS = {"append_session_event": 2, "append_agent_event": 1, "publish_signal": 2}


# --- what the document names ----------------------------------------------------------------------
def documented_names(section: str | None = None) -> set[str]:
    """Every `code span` in a heading or in the first cell of a table row of docs/protocol.md: a name
    counts as documented where it has its own heading or row, not where another row mentions it.
    With `section`, only under the heading whose text contains it (down to the next heading of the
    same or a higher level)."""
    lines = PROTOCOL.read_text(encoding="utf-8").splitlines()
    if section is not None:
        start = next((i for i, line in enumerate(lines) if line.startswith("#") and section in line), None)
        assert start is not None, f"docs/protocol.md has no heading containing {section!r}"
        level = len(lines[start]) - len(lines[start].lstrip("#"))
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level), len(lines))
        lines = lines[start:end]
    names: set[str] = set()
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            names.update(re.findall(r"`([^`]+)`", stripped))
        elif stripped.startswith("|"):
            first_cell = stripped.split("|")[1]
            names.update(re.findall(r"`([^`]+)`", first_cell))
    return names


def assert_documented(wanted: set[str], what: str, section: str | None = None) -> None:
    assert wanted, f"found no {what} in the code: the collector is broken"
    missing = sorted(wanted - documented_names(section))
    where = "as `name` in a heading or in the first cell of a table row"
    if section is not None:
        where += f", under the heading {section!r}"
    assert missing == [], f"{what} missing from docs/protocol.md ({where}): {missing}"


# --- what the code uses ---------------------------------------------------------------------------
def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def string_at(call: ast.Call, index: int) -> str | None:
    if len(call.args) > index:
        arg = call.args[index]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


def frame_types() -> set[str]:
    from chat.protocol import AgentFrame, VisitorFrame

    types: set[str] = set()
    for union in (VisitorFrame, AgentFrame):
        for frame_class in get_args(get_args(union)[0]):
            types.update(get_args(frame_class.model_fields["type"].annotation))
    return types


def error_codes() -> set[str]:
    """Codes given to ActionError / json_error / self.error / _refuse, literal {"code": ...}, HTTP_STATUS keys."""
    from chat.web import HTTP_STATUS

    codes = set(HTTP_STATUS)
    files = [ROOT / "app.py", *python_files("chat", "pages")]
    for path in files:
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Call):
                name = call_name(node)
                is_self_error = (
                    name == "error" and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
                )
                index = {"ActionError": 0, "json_error": 0, "_refuse": 1}.get(name or "", 0 if is_self_error else -1)
                code = string_at(node, index) if index >= 0 else None
                if code is not None:
                    codes.add(code)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (isinstance(key, ast.Constant) and key.value == "code"
                            and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                        codes.add(value.value)
    return codes


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.FunctionDef:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node
    raise AssertionError("an event kind given by a variable outside any function")


def _resolve_kind(arg: ast.expr, tree: ast.Module, parents: dict[ast.AST, ast.AST], where: str) -> set[str]:
    """A literal kind, or a variable: a parameter (literals passed by the module's callers) or a local
    assigned from literals (e.g. `kind = "a" if ... else "b"`)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    assert isinstance(arg, ast.Name), f"{where}: cannot tell the event kind of {ast.unparse(arg)}"
    function = _enclosing_function(arg, parents)
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    found: set[str] = set()
    if arg.id in params:
        position = params.index(arg.id)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and call_name(n) == function.name):
            value = string_at(call, position)
            keyword = next((k.value for k in call.keywords if k.arg == arg.id), None)
            if value is None and isinstance(keyword, ast.Constant) and isinstance(keyword.value, str):
                value = keyword.value
            assert value is not None, f"{where}: {function.name}() is called with a kind that is not a literal"
            found.add(value)
    else:
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == arg.id for t in node.targets):
                found.update(c.value for c in ast.walk(node.value)
                             if isinstance(c, ast.Constant) and isinstance(c.value, str))
    assert found, f"{where}: cannot tell the event kinds of `{arg.id}` in {function.name}()"
    return found


def event_kinds(appender: str, *folders: str) -> set[str]:
    kinds: set[str] = set()
    for path in python_files(*folders):
        tree = parse(path)
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and call_name(node) == appender:
                index = EVENT_APPENDERS[appender]
                assert len(node.args) > index, f"{path.name}:{node.lineno}: pass the event kind positionally"
                kinds |= _resolve_kind(node.args[index], tree, parents, f"{path.name}:{node.lineno}")
    return kinds


def system_events() -> tuple[set[str], set[str]]:
    """`system_event=` values given to add_message: literals, and the literal prefixes of f-strings."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in python_files("chat/actions"):
        for node in ast.walk(parse(path)):
            if not (isinstance(node, ast.Call) and call_name(node) == "add_message"):
                continue
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg != "system_event":
                    continue
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    literals.add(value.value)
                elif isinstance(value, ast.JoinedStr) and value.values and isinstance(value.values[0], ast.Constant):
                    prefixes.add(str(value.values[0].value))
    return literals, prefixes


# --- the tests ------------------------------------------------------------------------------------
def test_every_client_frame_type_is_documented() -> None:
    assert_documented(frame_types(), "client frame types", "Client frames")


def test_every_error_code_is_documented() -> None:
    codes = error_codes()
    assert {"not_found", "queue_empty", "too_large", "invalid_frame", "unauthorized"} <= codes, codes
    assert_documented(codes, "error codes", "Error codes")


def test_every_url_is_documented(tmp_path: Path) -> None:
    from app import create_app

    app = create_app({"data_dir": tmp_path, "demo": False}, background=False)
    wanted: set[str] = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(DOCUMENTED_PREFIXES):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        if getattr(rule, "websocket", False):
            wanted.add(path)
        else:
            wanted.update(f"{method} {path}" for method in (rule.methods or set()) - {"HEAD", "OPTIONS"})
    assert "/ws/visitor" in wanted and "POST /login" in wanted, wanted
    assert_documented(wanted, "URLs (`METHOD /path`, or `/path` for a WebSocket)")


def test_every_session_event_kind_is_documented() -> None:
    kinds = event_kinds("append_session_event", "chat/actions")
    assert {"status", "transfer_requested"} <= kinds, kinds
    kinds.add("message")  # a message's event is its row (feed.message_frame), not appended
    assert_documented(kinds, "session event kinds", "Session events")


def test_every_agent_event_kind_is_documented() -> None:
    kinds = event_kinds("append_agent_event", "chat/actions")
    assert {"session_queued", "session_reopened", "transfer_cancelled"} <= kinds, kinds
    assert_documented(kinds, "agent event kinds", "Agent events")


def test_every_signal_kind_is_documented() -> None:
    assert_documented(event_kinds("publish_signal", "chat"), "signal kinds", "Signals (`signal`)")


def test_every_system_event_is_documented() -> None:
    literals, prefixes = system_events()
    assert_documented(literals, "system_event values", "System events")
    names = documented_names("System events")
    assert [p for p in prefixes if not any(n.startswith(p) for n in names)] == [], prefixes
