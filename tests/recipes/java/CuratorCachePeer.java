// A Curator 5.4 CuratorCache peer for the interop tests: one command per stdin line, one answer
// per stdout line. The cache's events are recorded, not printed (they come on Curator's thread),
// and handed out by "cache.events". Closing stdin closes the cache and the client, then exits.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;

public class CuratorCachePeer {
  static CuratorFramework client;
  static CuratorCache cache;
  static final List<String> events = new ArrayList<>();
  static volatile boolean initialized;

  public static void main(String[] args) throws Exception {
    client = CuratorFrameworkFactory.builder().connectString(args[0]).sessionTimeoutMs(10000)
        .connectionTimeoutMs(5000).retryPolicy(new RetryOneTime(200)).build();
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    System.out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      String answer;
      try {
        answer = run(w);
      } catch (Exception e) {
        answer = "error " + e;
      }
      System.out.println(answer);
    }
    if (cache != null) cache.close();
    client.close();
  }

  static String text(ChildData d) {
    return d == null ? "-" : new String(d.getData(), StandardCharsets.UTF_8);
  }

  static String run(String[] w) throws Exception {
    switch (w[0]) {
      case "cache.start":
        cache = CuratorCache.build(client, w[1]);
        cache.listenable().addListener(new CuratorCacheListener() {
          @Override
          public void event(Type type, ChildData oldData, ChildData data) {
            String path = (data != null ? data : oldData).getPath();
            synchronized (events) {
              events.add(type + " " + path + " " + text(oldData) + " " + text(data));
            }
          }

          @Override
          public void initialized() {
            initialized = true;
          }
        });
        cache.start();
        return "ok";
      case "cache.initialized":
        return String.valueOf(initialized);
      case "cache.events":
        // All recorded events so far, ';'-separated, then forgotten.
        synchronized (events) {
          String all = String.join(";", events);
          events.clear();
          return "events " + all;
        }
      case "cache.size":
        return "size " + cache.size();
      case "create":
        client.create().forPath(w[1], w[2].getBytes(StandardCharsets.UTF_8));
        return "ok";
      case "set":
        client.setData().forPath(w[1], w[2].getBytes(StandardCharsets.UTF_8));
        return "ok";
      case "delete":
        client.delete().forPath(w[1]);
        return "ok";
      default:
        return "error unknown command " + w[0];
    }
  }
}
