"""Jupyter Server configuration for the HopsML Lab browser tests (Galata).

Never use this configuration outside tests: it turns off the token, the password
and the XSRF check (see ``jupyterlab.galata.configure_jupyter_server``).
"""

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by the Jupyter config loader)

# No token, no password, no XSRF check, a fresh temporary root dir, port 8888,
# and the Galata helper extension (window.galata) that the tests rely on.
configure_jupyter_server(c)

# Listen on the loopback interface only (Playwright's webServer waits on it).
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8888
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
# The test machines run everything as root.
c.ServerApp.allow_root = True

# No network on the test machines: no PyPI look-ups, update checks or news.
c.LabApp.extension_manager = "readonly"
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.news_url = None
