// A Curator 5.4 peer for the selector, counter and barrier interop tests: one command per stdin
// line, one answer per stdout line. Closing stdin closes the client and exits.
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

public class CuratorCoordinationPeer {
  static CuratorFramework client;
  static LeaderSelector held;
  static final Semaphore releaseHeld = new Semaphore(0);
  static DistributedDoubleBarrier doubleBarrier;

  public static void main(String[] args) throws Exception {
    client = LinePeer.connect(args[0], 6000);
    LinePeer.serve(CuratorCoordinationPeer::run);
    client.close();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String run(String[] w) throws Exception {
    switch (w[0]) {
      case "selector.turns":
        return turns(w[1], w[2], Integer.parseInt(w[3]), Long.parseLong(w[4]), w[5], w[6]);
      case "selector.hold": {
        // Leads until selector.release; answers once leading.
        CountDownLatch leading = new CountDownLatch(1);
        held = new LeaderSelector(client, w[1], new LeaderSelectorListenerAdapter() {
          @Override
          public void takeLeadership(CuratorFramework c) throws Exception {
            leading.countDown();
            releaseHeld.acquire();
          }
        });
        held.setId(w[2]);
        held.start();
        return leading.await(20, TimeUnit.SECONDS) ? "leading" : "timeout";
      }
      case "selector.release":
        releaseHeld.release();
        held.close();
        held = null;
        return "released";
      case "selector.leader": {
        LeaderSelector observer = new LeaderSelector(client, w[1], new LeaderSelectorListenerAdapter() {
          @Override
          public void takeLeadership(CuratorFramework c) {}
        });
        return "leader " + observer.getLeader().getId();
      }
      case "count.inc": {
        SharedCount count = new SharedCount(client, w[1], 0);
        count.start();
        for (int i = 0; i < Integer.parseInt(w[2]); i++) {
          for (;;) {
            VersionedValue<Integer> seen = count.getVersionedValue();
            if (count.trySetCount(seen, seen.getValue() + 1)) break;
          }
        }
        count.close();
        return "done";
      }
      case "count.get": {
        SharedCount count = new SharedCount(client, w[1], 0);
        count.start();
        int value = count.getCount();
        count.close();
        return "count " + value;
      }
      case "long.inc": {
        DistributedAtomicLong counter = new DistributedAtomicLong(client, w[1], new RetryNTimes(1000, 5));
        for (int i = 0; i < Integer.parseInt(w[2]); i++) {
          AtomicValue<Long> result = counter.increment();
          if (!result.succeeded()) return "failed at " + i;
        }
        return "done";
      }
      case "long.get":
        return "long " + new DistributedAtomicLong(client, w[1], new RetryOneTime(1)).get().postValue();
      case "dbarrier.enter":
        doubleBarrier = new DistributedDoubleBarrier(client, w[1], Integer.parseInt(w[2]));
        return doubleBarrier.enter(Long.parseLong(w[3]), TimeUnit.MILLISECONDS) ? "entered" : "timeout";
      case "dbarrier.leave":
        return doubleBarrier.leave(Long.parseLong(w[1]), TimeUnit.MILLISECONDS) ? "left" : "timeout";
      case "barrier.set":
        new DistributedBarrier(client, w[1]).setBarrier();
        return "set";
      case "barrier.remove":
        new DistributedBarrier(client, w[1]).removeBarrier();
        return "removed";
      case "barrier.wait":
        return new DistributedBarrier(client, w[1]).waitOnBarrier(Long.parseLong(w[2]), TimeUnit.MILLISECONDS) ? "passed" : "timeout";
      default:
        return "error unknown command " + w[0];
    }
  }

  /**
   * Leads `n` turns with autoRequeue; each turn holds the ephemeral `marker` (a second leader
   * would find it there: a violation) and appends its id to the sequential log.
   */
  static String turns(String path, String id, int n, long holdMs, String marker, String log) throws Exception {
    AtomicInteger violations = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    LeaderSelector selector = new LeaderSelector(client, path, new LeaderSelectorListenerAdapter() {
      @Override
      public void takeLeadership(CuratorFramework c) throws Exception {
        if (done.getCount() == 0) return;
        try {
          c.create().withMode(CreateMode.EPHEMERAL).forPath(marker, utf8(id));
        } catch (KeeperException.NodeExistsException e) {
          violations.incrementAndGet();
        }
        c.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(log + "/turn-", utf8(id));
        Thread.sleep(holdMs);
        c.delete().forPath(marker);
        done.countDown();
      }
    });
    selector.setId(id);
    selector.autoRequeue();
    selector.start();
    boolean finished = done.await(120, TimeUnit.SECONDS);
    selector.close();
    return finished ? "done " + violations.get() : "timeout";
  }
}
