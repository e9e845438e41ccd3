"""nbgrader's Execute in the sandbox: one wall clock for the notebook, one per cell, and the guard."""

from __future__ import annotations

import os
import signal
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import DottedObjectName, Type

from autograder import sandbox
from autograder.course import is_demo, is_test
from autograder.engine import isolation, memory, zygote
from autograder.engine.context import MAX_OUTPUT_BYTES, STATE, STATUS_TEXT
from autograder.engine.guard import CHECK_EXPRESSION

#: IPython's default traceback mode (Context) looks every frame's file up among all loaded modules: with
#: torch loaded, 0.15 CPU-s per failing cell, twice (shown, then stored in the history). Plain mode prints
#: the same frames, one source line each, for 0.006 CPU-s.
TRACEBACK_MODE = "--InteractiveShell.xmode=Plain"


class PromptClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel answers and IOPub delivers.

    jupyter_client's readiness check then also waits for 0.2 s of silence on IOPub, to drop the start-up
    messages: 0.2 s of every notebook's wall time. nbclient reads only the messages whose parent is the cell it
    runs, so those stray messages cannot reach an output here.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # any IOPub message (this request's busy status) shows that IOPub is connected
                    await self.iopub_channel.get_msg(timeout=0.2)
                    self._handle_kernel_info_reply(reply)
                    return
                except Empty:
                    pass  # not subscribed yet: ask again
            if not await self._async_is_alive():
                raise RuntimeError("the kernel died before it answered")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the kernel did not answer within {timeout:g} s")


class SandboxKernelManager(AsyncKernelManager):
    """Launch the kernel through autograder/sandbox.py, talking over Unix sockets."""

    client_class = DottedObjectName(f"{__name__}.PromptClient")
    client_factory = Type(PromptClient, klass=AsyncKernelClient)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        """Wait for a killed kernel to go (jupyter_client polls every 0.1 s: a tenth of a second per notebook)."""
        await super()._async_wait(pollinterval)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = sandbox.kernel_environment(STATE.policy.workdir)
        kw.pop("cwd", None)
        # the kernel's own stderr (a failed start, a fatal error) is kept for the row's message; its stdout (the
        # banner ipykernel prints when no parent is named, whatever a submission writes to file descriptor 1) goes
        # there too, not to the instructor's terminal
        self.stderr_log = kw["stderr"] = kw["stdout"] = open(memory.kernel_log(STATE.policy), "ab")  # noqa: SIM115
        # a warm start from this worker's zygote when it runs (same sandbox), else a cold one
        socket_path = zygote.ensure(STATE.ctx.work, STATE.ctx.kernels)
        cmd = zygote.command(socket_path, sandbox.__file__, STATE.policy.to_json(), [*kernel_cmd, TRACEBACK_MODE])
        return await super()._async_launch_kernel(cmd, **kw)


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class SandboxExecute(Execute):
    """Run every cell in the sandboxed kernel; a kernel that dies or times out keeps finished cells' points."""

    def create_kernel_manager(self):
        workdir = STATE.policy.workdir
        self.km = SandboxKernelManager(kernel_name="python3", config=self.config)
        self.km.transport = "ipc"
        self.km.ip = os.path.join(workdir, "ipc")
        self.km.connection_file = os.path.join(workdir, "kernel.json")
        return self.km

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        self._bytes = getattr(self, "_bytes", 0) + size
        if self._bytes > MAX_OUTPUT_BYTES:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text="\n... output truncated by the grader ...\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _silent(self, code: str, expression: str | None = None, timeout: float = 30):
        """Run grader code in the kernel outside the notebook; return the expression's text value."""
        expressions = {"r": expression} if expression else {}
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
        saved, self.timeout = self.timeout, max(1, int(timeout))
        try:
            reply = self.wait_for_reply(msg_id)
        finally:
            self.timeout = saved
        if reply is None or reply["content"].get("status") != "ok":
            return None
        value = reply["content"].get("user_expressions", {}).get("r", {})
        return value.get("data", {}).get("text/plain") if value.get("status") == "ok" else None

    def preprocess(self, nb, resources=None, km=None):
        from nbclient.client import NotebookClient

        NotebookClient.__init__(self, nb, km)
        # A kernel that dies while grader code runs in it (the guard, before the first cell: a memory limit too
        # low to start it) is seen at the next check: every second, as during a cell, not every five
        self.shell_timeout_interval = 1
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.shutdown_kernel = "immediate"
        self.error_on_timeout = {}
        self.interrupt_on_timeout = False
        self.raise_on_iopub_timeout = False
        self._bytes, self._truncated = 0, False
        sub = STATE.submission
        done: set[int] = set()
        started = time.monotonic()
        try:
            with self.setup_kernel():
                self.wait_for_reply(self.kc.kernel_info())
                sub.phases["kernel_start"] = time.monotonic() - started
                self._run_cells(resources, done)
        except (CellTimeoutError, TimeoutError) as error:
            sub.status, sub.reason = "timeout", self._timeout_reason(error)
        except DeadKernelError:
            sub.status = "timeout" if time.monotonic() >= sub.deadline else "died"
        except Exception as error:  # noqa: BLE001 - a broken kernel must not stop the batch
            sub.status, sub.reason = "died", f"{type(error).__name__}: {error}"
        finally:
            self._kill_kernel()
            sub.phases["execute"] = time.monotonic() - started
        self._mark_unfinished(done)
        self._explain()
        sub.truncated = self._truncated
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _run_cells(self, resources, done: set[int]) -> None:
        ctx, sub = STATE.ctx, STATE.submission
        if STATE.guard_install:
            self._silent(STATE.guard_install)
        for index, cell in enumerate(self.nb.cells):
            remaining = sub.deadline - time.monotonic()
            if remaining <= 0:
                raise CellTimeoutError("the notebook ran out of time")
            self.timeout = max(1, int(min(remaining, ctx.cell_timeout) + 0.999))
            if ctx.skip_demo and is_demo(cell):
                done.add(index)  # a demo cell (training run, plot) that no test may depend on
                continue
            guarded = is_test(cell) and bool(STATE.guard_install)
            if guarded:
                self._silent(STATE.guard_restore, timeout=max(1, remaining))
            self._cell_started = time.monotonic()
            self.preprocess_cell(cell, resources, index)
            if guarded:
                verdict = self._silent("pass", CHECK_EXPRESSION, timeout=max(1, remaining))
                if verdict != "''":
                    sub.tampered.append(cell.metadata.nbgrader["grade_id"])
                    cell.outputs.append(_error(
                        "TamperingDetected", f"the test helpers were modified while this test ran {verdict or ''}"))
            if cell.cell_type == "code":
                done.add(index)

    def _timeout_reason(self, error: Exception) -> str:
        ctx, sub = STATE.ctx, STATE.submission
        if time.monotonic() < sub.deadline - 1:
            return f"a cell ran longer than the per-cell limit of {ctx.cell_timeout:g} s; unfinished cells score 0"
        return f"the notebook did not finish within {ctx.timeout:g} s; unfinished cells score 0"

    def _kill_kernel(self) -> None:
        log = getattr(self.km, "stderr_log", None)
        if log is not None:
            log.close()
        if STATE.policy.uid is None:  # no throwaway user: kill the kernel's process group
            pgid = getattr(getattr(self.km, "provisioner", None), "pgid", None)
            for _ in range(10 if pgid else 0):
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except OSError:
                    break
                time.sleep(0.05)
        isolation.kill_uid(STATE.policy.uid)

    def _mark_unfinished(self, done: set[int]) -> None:
        sub = STATE.submission
        not_run = STATUS_TEXT[sub.status] if sub.status != "ok" else "not run"
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and index not in done:
                cell.outputs = list(cell.get("outputs", [])) + [
                    _error("NotRun", f"this cell did not finish ({not_run})")]

    def _explain(self) -> None:
        """A status and a message for every failure: memory first (it explains the others)."""
        ctx, sub = STATE.ctx, STATE.submission
        sign = memory.exhausted(self.nb, STATE.policy)
        if sign and sub.status in ("ok", "died"):
            sub.status = "memory"
            sub.reason = (f"the notebook ran out of memory (limit {ctx.memory} MB, {ctx.memory_mode}): {sign}; "
                          "cells that failed or did not finish score 0")
        elif sub.status == "died" and not sub.reason:
            sub.reason = "the kernel died (a crash, os._exit or a signal); unfinished cells score 0"
        elif sub.status == "timeout" and not sub.reason:
            sub.reason = f"the notebook did not finish within {ctx.timeout:g} s; unfinished cells score 0"
