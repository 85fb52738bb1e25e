"""The policy's vocabulary, pure: scopes and their grammar, paths and globs, compiled
permissions, the default roles. No I/O, and nothing else of jupyter-rbac is imported here."""
