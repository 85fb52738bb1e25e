"""The policy as YAML: what `jupyter rbac export` writes and `jupyter rbac import` reads, and the
format of `c.RBAC.policy_file`.

```yaml
version: 1                  # the format's version (may be left out when reading; 1 is the only one)
roles:                      # sorted by name
- name: reviewers
  description: Read and export the course material.
  scopes:                   # as in the API; the role's own order is kept
  - read:contents!path=course/**
  - write:contents!path=home/{user}/**
  users:                    # who holds the role directly (sorted)
  - vera
  groups:                   # groups holding the role: all their members do (sorted)
  - lab-a
groups:                     # sorted by name
- name: lab-a
  description: ''
  members:                  # sorted
  - vera
users:                      # sorted by name
- name: vera
  display_name: Vera Rubin  # the name itself when the user has no other
shares:                     # a role on one folder or file; sorted by path, then recipient
- path: course/week-1       # an API path, as the Contents API writes it
  type: directory           # or file (a folder's share reaches everything beneath it)
  role: editor              # a role declared above, or a default role
  user: vera                # or `group: lab-a`: exactly one
  shared_by: ann            # who made it (kept as it was; `import` when left out)
  expires_at: null          # or an ISO 8601 time with its zone
```

Rules:
- Every entry has a `name`; its other fields may be left out (empty). Unknown fields, an entry or a
  list item written twice and a key written twice are errors that name the entry and the field.
- Every user and group a role, a group or a share names is declared in its section (`users:`,
  `groups:`). A policy file may leave sections out; names are then not checked against them.
  A share is known by its path and recipient: one of each.
- Tokens are never exported.
- `jupyter rbac import` makes the roles, groups, users, assignments and shares exactly the
  file's, in one transaction (a file without `shares:` has none). Default roles and config-managed roles that the file leaves out are kept, held by
  nobody; `admin` keeps its scopes and someone must hold it; config-managed roles keep their scopes
  and descriptions; users the file leaves out are deleted with their tokens. Exporting what was
  imported gives the same text, byte for byte.
- `c.RBAC.policy_file` declares roles as `c.RBAC.load_roles` does: at every start they are created
  or updated, managed by config (read-only through the API), and given to their users and groups,
  which are created if missing. There, `users:` and `groups:` only declare names. Only
  `jupyter rbac import` applies group members, group descriptions, display names and shares: a
  policy file that sets them is refused, not half-applied.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InvalidInput
from ..model import Catalog
from ..model.defaults import FIXED_ROLE
from .policy_document import PolicyContents, check_document


def dump(document: dict) -> str:
    """The document as YAML, keys in the order of the format, long lines unbroken."""
    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=2**31
    )


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: 10x faster
    """PyYAML keeps the last of a key written twice: a section of a policy would vanish silently."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        if key_node.value in seen:
            raise yaml.MarkedYAMLError(
                problem=f"the key {key_node.value!r} is written twice",
                problem_mark=key_node.start_mark,
            )
        seen.add(key_node.value)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def parse(text: str) -> object:
    """The document in `text`; InvalidInput (with the line) if it is not YAML."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader that refuses duplicate keys
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInput(f"not valid YAML{where}: {error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise InvalidInput(f"not valid YAML: {error}") from error


def read(path: str) -> object:
    """The document in the file at `path` (`~` expanded); InvalidInput naming the file if not."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read it: {error}") from error
    try:
        return parse(text)
    except InvalidInput as error:
        raise InvalidInput(f"{path}: {error.message}") from error


def load_policy_file(path: str, catalog: Catalog | None = None) -> list[dict]:
    """The roles of `c.RBAC.policy_file` as `c.RBAC.load_roles` entries ([] when no file is set)."""
    if not path:
        return []
    try:
        contents = _checked_file(path, catalog or Catalog())
    except InvalidInput as error:
        raise InvalidInput(f"c.RBAC.policy_file {error.message}") from error
    # a role's entry in the file format is a `load_roles` entry
    return [contents.roles[name].to_document() for name in sorted(contents.roles)]


def _checked_file(path: str, catalog: Catalog) -> PolicyContents:
    document = read(path)
    try:
        contents = check_document(document, catalog, complete=False)
        _refuse_what_start_does_not_apply(contents)
    except InvalidInput as error:
        raise InvalidInput(f"{path}: {error.message}") from error
    return contents


def _refuse_what_start_does_not_apply(contents: PolicyContents) -> None:
    if FIXED_ROLE in contents.roles:
        raise InvalidInput(f"roles[{FIXED_ROLE}]: the {FIXED_ROLE!r} role cannot be redefined")
    only_import = "is only applied by `jupyter rbac import`, not at server start; leave it out here"
    for group in contents.groups.values():
        if group.members:
            raise InvalidInput(f"groups[{group.name}].members: {only_import}")
        if group.description:
            raise InvalidInput(f"groups[{group.name}].description: {only_import}")
    for user in contents.users.values():
        if user.display_name != user.name:
            raise InvalidInput(f"users[{user.name}].display_name: {only_import}")
    if contents.shares:
        raise InvalidInput(f"shares: {only_import}")
