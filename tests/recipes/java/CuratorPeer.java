// A Curator 5.4 peer for the interop tests: one command per stdin line, one answer per stdout
// line. Closing stdin closes the recipes and the client, then exits.
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;

public class CuratorPeer {
  static CuratorFramework client;
  static LeaderLatch latch;
  static InterProcessLock heldLock;
  static Lease heldLease;

  public static void main(String[] args) throws Exception {
    client = LinePeer.connect(args[0], 6000);
    LinePeer.serve(CuratorPeer::run);
    if (latch != null) latch.close();
    client.close();
  }

  static String run(String[] w) throws Exception {
    switch (w[0]) {
      case "latch.start":
        latch = new LeaderLatch(client, w[1], w[2]);
        latch.start();
        return "ok";
      case "latch.await":
        return latch.await(Long.parseLong(w[1]), TimeUnit.MILLISECONDS) ? "leader" : "timeout";
      case "latch.has":
        return String.valueOf(latch.hasLeadership());
      case "latch.leader":
        return "leader " + latch.getLeader().getId();
      case "latch.path":
        return "path " + latch.getOurPath();
      case "latch.close":
        latch.close();
        latch = null;
        return "ok";
      case "mutex.inc":
        return increment(new InterProcessMutex(client, w[1]), w[2], Integer.parseInt(w[3]));
      case "write.inc":
        return increment(new InterProcessReadWriteLock(client, w[1]).writeLock(), w[2], Integer.parseInt(w[3]));
      case "mutex.acquire":
      case "write.acquire":
      case "read.acquire": {
        InterProcessLock lock = w[0].equals("mutex.acquire") ? new InterProcessMutex(client, w[1])
            : w[0].equals("write.acquire") ? new InterProcessReadWriteLock(client, w[1]).writeLock()
            : new InterProcessReadWriteLock(client, w[1]).readLock();
        if (!lock.acquire(Long.parseLong(w[2]), TimeUnit.MILLISECONDS)) return "timeout";
        heldLock = lock;
        return "acquired";
      }
      case "release":
        heldLock.release();
        heldLock = null;
        return "released";
      case "sem.acquire": {
        Lease lease = new InterProcessSemaphoreV2(client, w[1], Integer.parseInt(w[2])).acquire(Long.parseLong(w[3]), TimeUnit.MILLISECONDS);
        if (lease == null) return "timeout";
        heldLease = lease;
        return "acquired";
      }
      case "sem.release":
        heldLease.close();
        heldLease = null;
        return "released";
      default:
        return "error unknown command " + w[0];
    }
  }

  /** n read-modify-write increments of the counter node, each under the lock. */
  static String increment(InterProcessLock lock, String counter, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      if (!lock.acquire(60, TimeUnit.SECONDS)) return "timeout";
      try {
        int value = Integer.parseInt(new String(client.getData().forPath(counter), StandardCharsets.UTF_8));
        client.setData().forPath(counter, String.valueOf(value + 1).getBytes(StandardCharsets.UTF_8));
      } finally {
        lock.release();
      }
    }
    return "done";
  }
}
