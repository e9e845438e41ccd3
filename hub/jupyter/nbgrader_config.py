# nbgrader settings for every user's single-user server on the demo hub (on JUPYTER_CONFIG_PATH, set by
# hub/jupyterhub_config.py together with the environment variables read here). A config file that raises is
# skipped whole by traitlets, so nothing here may fail: missing variables fall back to nbgrader's defaults.
import os

c = get_config()  # noqa: F821 - injected by traitlets

if os.environ.get("QKV_EXCHANGE"):
    c.Exchange.root = os.environ["QKV_EXCHANGE"]
if os.environ.get("QKV_COURSE_ID"):
    c.CourseDirectory.course_id = os.environ["QKV_COURSE_ID"]
# The instructor's server also runs the formgrader on their course directory.
if os.environ.get("QKV_COURSE_DIR"):
    c.CourseDirectory.root = os.environ["QKV_COURSE_DIR"]
# A random part in the inbound folder's name: another student cannot guess where a submission is.
c.ExchangeSubmit.add_random_string = True
