# JupyterHub 6 for the demo class: `make hub` (as root). Users log in with their Unix name (see course.json) and
# the course's shared password; each gets a JupyterLab started as that Unix user by LocalProcessSpawner, with
# nbgrader's Lab extensions (assignment list and validate for students, also the formgrader for the instructor)
# and nbgrader's filesystem exchange in <state>/exchange. Environment (all optional):
#   QKV_HUB_PORT          public port on 127.0.0.1 (default: a free one, printed at start)
#   QKV_HUB_PASSWORD      the shared password (default: generated once into <state>/hub/password)
#   QKV_HUB_ADMIN_TOKEN   an API token for the service `qkv-admin` (users, servers, tokens) used by tests/test_hub.py
#   QKV_HUB_STATE, QKV_HUB_INSTRUCTOR, QKV_HUB_STUDENTS: see hub/demo_course.py
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_course  # noqa: E402

c = get_config()  # noqa: F821 - injected by traitlets
course = demo_course.load()
demo_course.make_state(course)


def demo_password() -> str:
    if os.environ.get("QKV_HUB_PASSWORD"):
        return os.environ["QKV_HUB_PASSWORD"]
    path = course.private / "password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


# Network: the public proxy, the hub's internal API and the proxy's API all on loopback, on free ports.
port = int(os.environ.get("QKV_HUB_PORT") or demo_course.free_port())
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{demo_course.free_port()}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{demo_course.free_port()}"
c.ConfigurableHTTPProxy.command = [str(demo_course.PROXY)]
c.ConfigurableHTTPProxy.pid_file = str(course.private / "proxy.pid")

# State that must stay private to root: the database holds token hashes, the cookie secret signs logins.
c.JupyterHub.db_url = f"sqlite:///{course.private / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(course.private / "jupyterhub_cookie_secret")

# Authentication: one shared password for the demo accounts, which are real Unix users (hub/create_users.py).
# LocalProcessSpawner starts each server as the Unix user of the same name, so permissions on the exchange
# and in the homes are the operating system's. A real class uses PAM or OAuth instead (book/grading_hub.md).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = demo_password()
c.Authenticator.allowed_users = set(course.users)

# Servers: the repository's virtual environment, started in the user's home, opening JupyterLab.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
python = demo_course.user_python(course)
c.Spawner.cmd = [str(python), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 300  # a 2-core machine starting several servers at once is slow
c.Spawner.http_timeout = 300
c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 30}


def user_environment(spawner) -> None:
    """Point nbgrader at the exchange; students get the student-only Jupyter configuration as well."""
    spawner.environment = {**spawner.environment, **demo_course.environment(course, spawner.user.name, python)}


c.Spawner.pre_spawn_hook = user_environment

# The test's admin service: create users' tokens, start and stop their servers.
if os.environ.get("QKV_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services = [{"name": "qkv-admin", "api_token": os.environ["QKV_HUB_ADMIN_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "qkv-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["qkv-admin"],
    }]

# The demo's servers run from this checkout: say so when students could read the instructor's folders in it.
readable = [d for d in ("solutions", "autograder", "tests")
            if (demo_course.REPO / d).exists() and demo_course.reachable_by_others(demo_course.REPO / d)]
if readable:
    print(f"QKV hub: demo only - students can read {', '.join(readable)}/ in {demo_course.REPO} "
          "(see book/grading_hub.md before teaching with it)", file=sys.stderr, flush=True)
print(f"QKV hub: http://127.0.0.1:{port}/ course {course.course_id!r}, instructor {course.instructor}, "
      f"students {', '.join(course.students)}; password in "
      f"{'$QKV_HUB_PASSWORD' if os.environ.get('QKV_HUB_PASSWORD') else course.private / 'password'}",
      file=sys.stderr, flush=True)
