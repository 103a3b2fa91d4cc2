"""The lock: a reader under it never sees a write half done, however many writers race."""

from __future__ import annotations

import os
from pathlib import Path

from tests.toolchain.write._harness import state, written

from errcat.toolchain.write import STAGE, locked, write


def test_a_reader_under_the_lock_never_sees_a_mix_of_concurrent_writers(
    outputs: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    old_files, new_files = outputs
    root = tmp_path / "root"
    states = [written(old_files, root)]
    write(new_files, root)
    states.append(state(root))
    running = set()
    for files in (old_files, new_files, old_files):
        pid = os.fork()
        if pid == 0:
            try:
                for _ in range(15):
                    write(files, root)
            except BaseException:
                os._exit(3)
            os._exit(0)
        running.add(pid)
    statuses, seen = [], []
    while running:
        with locked(root, shared=True):  # what errcat generate --check does
            seen.append(states.index(state(root)) if state(root) in states else -1)
        for pid in list(running):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                running.discard(pid)
                statuses.append(os.waitstatus_to_exitcode(status))
    assert statuses == [0, 0, 0]
    assert -1 not in seen and len(seen) > 1
    assert state(root) in states and not (root / STAGE).exists()
