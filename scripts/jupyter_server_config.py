"""JupyterLab settings for learners: `make lab` and tests/test_lab.py start it with this file (scripts/lab.sh)."""

c = get_config()  # noqa: F821 (traitlets provides it)

# nbgrader's Validate button needs its server extension; pip normally enables it through
# etc/jupyter/jupyter_server_config.d/nbgrader.json, this keeps it on if that file is missing.
c.ServerApp.jpserver_extensions.update({"nbgrader.server_extensions.validate_assignment": True})

# A course runs offline: no news feed and no update check fetched from the internet.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
