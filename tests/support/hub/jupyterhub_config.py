"""A real JupyterHub on loopback for tests/test_jupyterhub.py (all variable parts from the env).

RBAC_HUB_DIR: the run's folder (hub database, cookie secret, homes, the policy database);
RBAC_HUB_PORT, RBAC_PROXY_PORT, RBAC_PROXY_API_PORT: free loopback ports;
RBAC_HUB_SERVICE_TOKEN: the test driver's API token.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821

run_dir = Path(os.environ["RBAC_HUB_DIR"])
here = Path(__file__).parent

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["RBAC_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["RBAC_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['RBAC_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.auth_token = os.environ["RBAC_HUB_SERVICE_TOKEN"] + "-proxy"
c.ConfigurableHTTPProxy.pid_file = str(run_dir / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{run_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(run_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(run_dir / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.last_activity_interval = 3600

c.JupyterHub.authenticator_class = "dummy"  # any password: these are test users
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(run_dir / "home" / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = [
    f"--config={here / 'singleuser_config.py'}",
    "--allow-root",
    f"--RBAC.db_url=sqlite:///{run_dir / 'rbac.sqlite'}",
]
c.Spawner.environment = {"JUPYTERHUB_SINGLEUSER_EXTENSION": "1"}
# The single-user server's HubAuth remembers a token's scopes for this long (0 would be forever);
# dave's server keeps jupyter-rbac's default, to measure it.
c.Spawner.environment["RBAC_HUB_CACHE"] = lambda spawner: "" if spawner.user.name == "dave" else "1"

# Granular single-user permissions, as in JupyterHub's read-only example.
c.JupyterHub.custom_scopes = {
    "custom:jupyter_server:read:contents": {"description": "read files on a single-user server"},
    "custom:jupyter_server:read:*": {
        "description": "read a single-user server",
        "subscopes": ["custom:jupyter_server:read:contents"],
    },
    "custom:jupyter_server:write:*": {
        "description": "change files on a single-user server",
        "subscopes": ["custom:jupyter_server:read:*"],
    },
    "custom:jupyter_server:execute:*": {
        "description": "run code on a single-user server",
        "subscopes": ["custom:jupyter_server:write:*"],
    },
}
c.Spawner.oauth_client_allowed_scopes = [
    "access:servers!server",
    "custom:jupyter_server:read:*!server",
    "custom:jupyter_server:write:*!server",
    "custom:jupyter_server:execute:*!server",
]
c.JupyterHub.services = [{"name": "driver", "api_token": os.environ["RBAC_HUB_SERVICE_TOKEN"]}]
# `analyst` is named like a group jupyter-rbac ships (as Nebari names its groups); alice is in `team`
c.JupyterHub.load_groups = {
    "reviewers": {"users": ["carol"]},
    "analyst": {"users": ["bob", "carol", "eve"]},
    "team": {"users": ["alice"]},
}
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "custom:jupyter_server:execute:*!user"]},
    # carol may enter alice's server and, at most, change things there (the Hub's part); what
    # she may do within that is our policy's.
    {
        "name": "carol-enters-alice",
        "scopes": ["access:servers!server=alice/", "custom:jupyter_server:write:*!server=alice/"],
        "users": ["carol"],
    },
    # frank may enter alice's server, and read files on the servers of members of `team`
    # (the single-user server cannot resolve a group filter on access:servers itself)
    {
        "name": "frank-reads-team",
        "scopes": [
            "access:servers!server=alice/",
            "custom:jupyter_server:read:contents!group=team",
        ],
        "users": ["frank"],
    },
    {
        "name": "driver",
        "scopes": [
            "admin:users",
            "admin:servers",
            "admin:groups",
            "tokens",
            "shares",
            "read:users",
            "list:users",
            "proxy",
            "access:servers",
            "custom:jupyter_server:execute:*",
        ],
        "services": ["driver"],
    },
]
