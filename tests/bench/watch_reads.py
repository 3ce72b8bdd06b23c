"""B5 in a process of its own (so earlier benchmarks' memory does not count): the event source's watch
against the simulator, reading as fast as it may.

    python watch_reads.py <api_url> <reads> <first_mark>

Prints JSON: reads, the simulator's requests, CPU seconds of this process between first_mark reads and the
end, and RSS (KiB) after first_mark reads and after all of them.
"""

import asyncio
import json
import logging
import sys
import time

from ansible_collections.melissa.cicero.plugins.plugin_utils import _watch  # PYTHONPATH: make bench's

DEMO_KEY = 'cicero-demo-key'  # the simulator's own account: another key would measure the refusal instead

# Quiet: a failed read would log once per read, and the figures are what matters here.
logging.getLogger(_watch.logger.name).setLevel(logging.CRITICAL)


def rss_kib():
    with open('/proc/self/status') as handle:
        return int([line for line in handle if line.startswith('VmRSS:')][0].split()[1])


class CountingQueue:
    """Stands in for ansible-rulebook's queue; notes the RSS and CPU at the mark and stops after `reads`."""

    def __init__(self, reads, mark, done):
        self.count, self.reads, self.mark, self.done = 0, reads, mark, done
        self.at_mark = None

    async def put(self, event):
        self.count += 1
        if self.count == self.mark:
            self.at_mark = (rss_kib(), time.process_time())
        if self.count == self.reads:
            self.done.set()


async def run(api_url, reads, mark):
    done = asyncio.Event()
    queue = CountingQueue(reads, mark, done)
    task = asyncio.create_task(_watch.watch(queue, dict(api_url=api_url, license_key=DEMO_KEY, retries=0,
                                                        interval=0.0001, emit='every')))
    await done.wait()
    cpu_end, rss_end = time.process_time(), rss_kib()
    task.cancel()
    return dict(reads=queue.count, rss_at_mark=queue.at_mark[0], rss_at_end=rss_end,
                cpu_seconds=cpu_end - queue.at_mark[1], measured_reads=reads - mark)


if __name__ == '__main__':
    print(json.dumps(asyncio.run(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))))
