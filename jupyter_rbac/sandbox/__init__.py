"""The sandbox: kernels and terminals inside their user's scopes.

- `folders`: which folders a user's code may reach, from their permissions (pure);
- `rules` and `places`: those folders on the disk, around what the server keeps to itself;
- `landlock`, `seccomp` and `plan`: the Linux mechanism (Landlock; a seccomp filter for what
  Landlock does not see: TCP Fast Open, Multipath TCP, io_uring, other processes' limits), and
  the plan a launcher applies with it;
- `__main__`: the launcher (`python -m jupyter_rbac.sandbox -- PROGRAM`), which applies a plan
  and runs the program inside it (nothing else is imported here: it runs before every kernel);
- `sandboxes` and `watch`: the server's sandboxes, and stopping what a user outgrew;
- `provisioner` and `launch`: where the server starts kernels and terminals; `kernel_ports`
  and `port_layers`: each kernel's ports of c.RBAC.kernel_ports, and their Landlock rules built
  ahead; `kernel_debugger`: what an ipykernel runs at its start: no debugger (debugpy's ports
  cannot be confined);
- `environment`: what they inherit (no Hub credentials but the owner's; no working folder on
  Python's import path).
"""
