// Curator 5.4 doing the recipe section's loops, for the benchmark's anchor (bench/recipes.ts
// does the same loops with stormkeeper, in rounds alternating with these). Arguments: <connect
// string> <root path>. Prints "ready" once set up; then each stdin line names a measure
// (mutex, raw, failover, load, event), runs one round of it and prints its figure.
import java.nio.charset.StandardCharsets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;

public final class RecipesAnchor {
  interface Round { double run() throws Exception; }

  interface Step { void run() throws Exception; }

  /** Milliseconds from the start of `cause` to the end of `effect`, run one after the other. */
  static double millis(Step cause, Step effect) throws Exception {
    long t0 = System.nanoTime();
    cause.run();
    effect.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  static CuratorFramework client(String connect) throws Exception {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(20000)
        .connectionTimeoutMs(5000).retryPolicy(new RetryOneTime(200)).build();
    c.start();
    c.blockUntilConnected(20, TimeUnit.SECONDS);
    return c;
  }

  /** A listener that hands each event's type to `onEvent` and runs `onInitialized` once loaded. */
  static CuratorCacheListener listener(Consumer<CuratorCacheListener.Type> onEvent, Runnable onInitialized) {
    return new CuratorCacheListener() {
      @Override
      public void event(Type type, ChildData oldData, ChildData data) {
        onEvent.accept(type);
      }

      @Override
      public void initialized() {
        onInitialized.run();
      }
    };
  }

  public static void main(String[] args) throws Exception {
    String root = args[1];
    CuratorFramework a = client(args[0]);
    CuratorFramework b = client(args[0]);
    byte[] data = new byte[100];
    Map<String, Round> rounds = new HashMap<>();

    // µs per uncontended acquire + release.
    InterProcessMutex mutex = new InterProcessMutex(a, root + "/mutex");
    rounds.put("mutex", () -> {
      long t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        mutex.acquire();
        mutex.release();
      }
      return (System.nanoTime() - t0) / 1000.0 / 100;
    });

    // µs per raw create (ephemeral sequential) + delete, the floor of a lock round trip.
    a.create().creatingParentsIfNeeded().forPath(root + "/raw");
    rounds.put("raw", () -> {
      long t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        String p = a.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(root + "/raw/n", data);
        a.delete().forPath(p);
      }
      return (System.nanoTime() - t0) / 1000.0 / 100;
    });

    // ms from the leader's close() to the other participant's isLeader.
    rounds.put("failover", () -> {
      LeaderLatch first = new LeaderLatch(a, root + "/latch", "a");
      LeaderLatch second = new LeaderLatch(b, root + "/latch", "b");
      first.start();
      first.await();
      second.start();
      Thread.sleep(50); // let the second's watch be set
      double ms = millis(first::close, second::await);
      second.close();
      return ms;
    });

    // ms from start() to initialized() for 1,000 children of 100 bytes (plus the parent).
    a.create().forPath(root + "/load");
    for (int i = 0; i < 1000; i++) a.create().forPath(root + "/load/n" + i, data);
    rounds.put("load", () -> {
      CountDownLatch done = new CountDownLatch(1);
      CuratorCache cache = CuratorCache.build(b, root + "/load");
      cache.listenable().addListener(listener(type -> {}, done::countDown));
      double ms = millis(cache::start, done::await);
      cache.close();
      return ms;
    });

    // µs from a writer's setData call to the cache's NODE_CHANGED (another client's cache).
    a.create().forPath(root + "/event", data);
    SynchronousQueue<Long> seen = new SynchronousQueue<>();
    CuratorCache cache = CuratorCache.build(b, root + "/event");
    CountDownLatch ready = new CountDownLatch(1);
    cache.listenable().addListener(listener(type -> {
      if (type != CuratorCacheListener.Type.NODE_CHANGED) return;
      try {
        seen.put(System.nanoTime());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, ready::countDown));
    cache.start();
    ready.await();
    rounds.put("event", () -> {
      double total = 0;
      for (int i = 0; i < 50; i++) {
        long t0 = System.nanoTime();
        a.setData().forPath(root + "/event", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
        total += (seen.take() - t0) / 1000.0;
      }
      return total / 50;
    });

    System.out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Round round = rounds.get(line.trim());
      System.out.println(round == null ? "error unknown measure " + line : String.valueOf(round.run()));
    }
    cache.close();
    a.close();
    b.close();
  }
}
