"""Sizes the policy accepts, wherever a change comes from (API, shell, policy file, import)."""

MAX_SCOPES = 500  # per role or token
MAX_SCOPE_TEXT = 4_096  # characters of one scope sent only to be parsed (a preview)
MAX_MEMBERS = 100_000  # names in one list of a request
MAX_DESCRIPTION = 2_000  # characters of a role's or group's description
MAX_DISPLAY_NAME = 255  # characters, one line
MAX_TOKEN_LIFETIME = 366 * 24 * 3600  # seconds
MAX_INVITATION_LIFETIME = 30 * 24 * 3600  # seconds
DEFAULT_INVITATION_LIFETIME = 7 * 24 * 3600  # seconds
MIN_PASSWORD = 8  # characters
MAX_PASSWORD = 1_024  # characters: argon2 hashes any length, but a request should not be a megabyte
MAX_AVATAR_URL = 2_048  # characters
MAX_BODY_BYTES = 1_000_000  # a JSON request body of the API, or one the Authorizer reads
MAX_JSON_DEPTH = 64  # arrays and objects within each other in a request body
MAX_TOKENS_PER_USER = 100  # live (unexpired) tokens of one user, whoever makes them
MAX_TOKEN_NOTE = 500  # characters of a token's note
MAX_AUDIT_TEXT = 512  # characters of an audit row's target and of each text in its detail
MAX_LAB_STATE_BYTES = 2_000_000  # one JupyterLab settings or workspace document of a user
MAX_WORKSPACES_PER_USER = 100  # saved JupyterLab workspaces (layouts) of one user
MAX_SHARES_PER_MAKER = 1_000  # shares one person made (a group share reaches a whole class)
MAX_SHARE_PATH = 4_096  # characters of a shared path
