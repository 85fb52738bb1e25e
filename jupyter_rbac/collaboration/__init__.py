"""Real-time collaboration under the policy: who is here, and read-only places in
jupyter-collaboration's rooms."""
