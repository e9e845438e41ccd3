"""nbgrader's Execute preprocessor, with the kernel talking over Unix sockets.

Over TCP, jupyter_client picks free ports by binding and releasing them before the
kernel binds them again; two nbgrader processes starting kernels at the same moment
(the bank tests grade two course directories in parallel) can be handed the same
port, and the kernel then dies at start-up with "Address already in use". Unix
sockets with a unique path cannot collide. nbgrader_config.py puts this class in
place of Execute.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from nbgrader.preprocessors import Execute


class IPCExecute(Execute):
    """Execute, with each kernel on its own Unix sockets under the temporary folder."""

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.transport = "ipc"
        # A short absolute path: socket paths are limited to about 100 bytes, and the
        # kernel's working directory (the notebook's folder) differs from the grader's.
        km.ip = os.path.join(tempfile.gettempdir(), f"qkv-kernel-{uuid.uuid4().hex[:16]}")
        return km
