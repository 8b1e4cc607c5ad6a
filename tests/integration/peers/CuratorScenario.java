import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * An Apache Curator 5.4 scenario against a ZooKeeper-compatible server, run by
 * tests/integration/server-curator.test.ts. Usage: CuratorScenario HOST:PORT. Prints one line
 * per outcome ("key value"), then "done"; any failure exits non-zero with its stack trace.
 */
public final class CuratorScenario {
  private static final int THREADS = 4;
  private static final int ROUNDS = 10;

  public static void main(String[] args) throws Exception {
    CuratorFramework a = client(args[0]);
    CuratorFramework b = client(args[0]);
    try {
      latch(a, b);
      mutex(a, b);
      cache(a, b);
      System.out.println("done");
    } finally {
      a.close();
      b.close();
    }
  }

  private static CuratorFramework client(String connect) throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.newClient(connect, 10_000, 10_000, new ExponentialBackoffRetry(100, 3));
    c.start();
    if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + connect);
    return c;
  }

  /** Two latches: exactly one leads; when it closes, the other takes over. */
  private static void latch(CuratorFramework a, CuratorFramework b) throws Exception {
    LeaderLatch first = new LeaderLatch(a, "/curator/latch", "a");
    LeaderLatch second = new LeaderLatch(b, "/curator/latch", "b");
    first.start();
    if (!first.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("latch a never led");
    second.start();
    // b's node must be in place before a closes, so a's leaving hands over rather than b joining late.
    for (int i = 0; i < 200 && second.getParticipants().size() < 2; i++) Thread.sleep(50);
    System.out.println("latch.participants " + second.getParticipants().size());
    System.out.println("latch.leader " + second.getLeader().getId() + " " + first.hasLeadership() + " " + second.hasLeadership());
    first.close();
    if (!second.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("latch b never led");
    System.out.println("latch.failover " + second.getLeader().getId() + " " + second.hasLeadership());
    second.close();
  }

  /** THREADS workers per client each do ROUNDS read-modify-write increments under one mutex. */
  private static void mutex(CuratorFramework a, CuratorFramework b) throws Exception {
    a.create().creatingParentsIfNeeded().forPath("/curator/counter", "0".getBytes(StandardCharsets.UTF_8));
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (CuratorFramework c : new CuratorFramework[] {a, b}) {
      for (int t = 0; t < THREADS; t++) {
        workers.add(pool.submit(() -> {
          InterProcessMutex mutex = new InterProcessMutex(c, "/curator/lock");
          for (int i = 0; i < ROUNDS; i++) {
            if (!mutex.acquire(30, TimeUnit.SECONDS)) throw new IllegalStateException("mutex not acquired");
            try {
              int n = Integer.parseInt(new String(c.getData().forPath("/curator/counter"), StandardCharsets.UTF_8));
              c.setData().forPath("/curator/counter", Integer.toString(n + 1).getBytes(StandardCharsets.UTF_8));
            } finally {
              mutex.release();
            }
          }
          return null;
        }));
      }
    }
    for (Future<?> w : workers) w.get(120, TimeUnit.SECONDS);
    pool.shutdown();
    System.out.println("mutex.counter " + new String(a.getData().forPath("/curator/counter"), StandardCharsets.UTF_8));
    System.out.println("mutex.locks " + a.getChildren().forPath("/curator/lock").size());
  }

  /** A CuratorCache of one client follows the other client's creates, changes and deletes. */
  private static void cache(CuratorFramework a, CuratorFramework b) throws Exception {
    a.create().forPath("/curator/cache", "root".getBytes(StandardCharsets.UTF_8));
    a.create().forPath("/curator/cache/before", "x".getBytes(StandardCharsets.UTF_8));
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    CuratorCache cache = CuratorCache.build(b, "/curator/cache");
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(n -> events.add("created " + n.getPath() + " " + new String(n.getData(), StandardCharsets.UTF_8)))
        .forChanges((old, now) -> events.add("changed " + now.getPath() + " " + new String(now.getData(), StandardCharsets.UTF_8)))
        .forDeletes(old -> events.add("deleted " + old.getPath()))
        .forInitialized(() -> events.add("initialized"))
        .build());
    cache.start();
    // The initial load: the root and the child that was there, then "initialized".
    List<String> initial = new ArrayList<>();
    for (String e = next(events); !e.equals("initialized"); e = next(events)) initial.add(e);
    initial.sort(null);
    System.out.println("cache.initial " + String.join(", ", initial));
    a.create().forPath("/curator/cache/n", "1".getBytes(StandardCharsets.UTF_8));
    System.out.println("cache.event " + next(events));
    a.setData().forPath("/curator/cache/n", "2".getBytes(StandardCharsets.UTF_8));
    System.out.println("cache.event " + next(events));
    a.delete().forPath("/curator/cache/n");
    System.out.println("cache.event " + next(events));
    System.out.println("cache.size " + cache.size() + " " + cache.get("/curator/cache/n").isPresent());
    cache.close();
  }

  private static String next(BlockingQueue<String> events) throws InterruptedException {
    String e = events.poll(20, TimeUnit.SECONDS);
    if (e == null) throw new IllegalStateException("no cache event in 20 s");
    return e;
  }
}
