"""What the benches share: the CPU time a set of processes has run."""

import os


def cpu_ns(pids):
    """CPU time the processes' threads have run so far (ns, from
    schedstat): what a request costs the server whatever else the
    machine runs, where the time a client waits grows with the load."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue
        for task in tasks:
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, task)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
    return total
