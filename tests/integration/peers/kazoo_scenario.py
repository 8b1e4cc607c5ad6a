"""A kazoo (python3-kazoo) scenario against a ZooKeeper-compatible server.

Usage: kazoo_scenario.py HOST:PORT ROOT
Works under ROOT (which must exist and hold `from-ts`, written by the test), prints one JSON
object with what kazoo saw, and leaves ROOT/from-kazoo for the test to read.
"""
import json
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError

hosts, root = sys.argv[1], sys.argv[2]
out = {}


def wait(event, what):
    if not event.wait(10):
        raise RuntimeError("timed out waiting for " + what)


zk = KazooClient(hosts=hosts, timeout=10)
other = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=10)
other.start(timeout=10)
try:
    data, _ = zk.get(root + "/from-ts")
    out["fromTs"] = data.decode()

    # Create, read, versioned sets.
    path = zk.create(root + "/k", b"one")
    data, stat = zk.get(path)
    out["created"] = {"path": path[len(root):], "data": data.decode(), "version": stat.version}
    stat = zk.set(path, b"two", version=0)
    out["setVersion"] = stat.version
    try:
        zk.set(path, b"three", version=0)
        out["staleSet"] = "accepted"
    except BadVersionError:
        out["staleSet"] = "BadVersionError"
    try:
        zk.create(path)
        out["duplicate"] = "accepted"
    except NodeExistsError:
        out["duplicate"] = "NodeExistsError"

    # A one-shot data watch fired by the other session's change.
    changed = threading.Event()
    seen = []
    zk.get(path, watch=lambda event: (seen.append([event.type, event.path[len(root):]]), changed.set()))
    other.set(path, b"from-other")
    wait(changed, "the data watch")
    out["dataWatch"] = seen

    # Ephemeral sequential nodes vanish with their session; a children watch sees it.
    zk.create(root + "/members")
    member = other.create(root + "/members/m-", b"", ephemeral=True, sequence=True)
    out["member"] = member[len(root):]
    gone = threading.Event()
    lists = []

    def on_children(children):
        lists.append(sorted(children))
        if lists and not children and len(lists) > 1:
            gone.set()

    zk.ChildrenWatch(root + "/members", on_children)
    other.stop()
    other.close()
    wait(gone, "the ephemeral member to go")
    out["membersSeen"] = lists

    # A transaction that commits and one that fails and is rolled back.
    t = zk.transaction()
    t.create(root + "/tx", b"a")
    t.check(path, 2)
    t.set_data(path, b"in-tx")
    out["tx"] = [r if isinstance(r, (str, bool)) else type(r).__name__ for r in t.commit()]
    t = zk.transaction()
    t.create(root + "/tx-rolled-back")
    t.delete(root + "/missing")
    out["failedTx"] = [type(r).__name__ for r in t.commit()]
    out["rolledBackExists"] = zk.exists(root + "/tx-rolled-back") is not None
    data, stat = zk.get(path)
    out["final"] = {"data": data.decode(), "version": stat.version}
    try:
        zk.get(root + "/missing")
    except NoNodeError:
        out["missing"] = "NoNodeError"

    zk.create(root + "/from-kazoo", b"hello from kazoo")
finally:
    zk.stop()
    zk.close()

print(json.dumps(out))
