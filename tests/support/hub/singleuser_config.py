"""The single-user server's config for tests/test_jupyterhub.py: jupyter-rbac (enabled by its
installed server config) with JupyterLab; the heavier extensions off for a fast start."""

import os

c = get_config()  # noqa: F821

c.ServerApp.jpserver_extensions = {
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "jupyter_server_ydoc": False,
    "jupyter_server_fileid": False,
    "notebook_shim": False,
}
if os.environ.get("RBAC_HUB_CACHE"):
    c.HubOAuth.cache_max_age = int(os.environ["RBAC_HUB_CACHE"])
c.RBAC.hub_websocket_recheck_seconds = 1.0
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
