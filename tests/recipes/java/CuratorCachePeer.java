// A Curator 5.4 CuratorCache peer for the interop tests: one command per stdin line, one answer
// per stdout line. The cache's events are recorded, not printed (they come on Curator's thread),
// and handed out by "cache.events". Closing stdin closes the cache and the client, then exits.
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

public class CuratorCachePeer {
  static CuratorFramework client;
  static CuratorCache cache;
  static final List<String> events = new ArrayList<>();
  static volatile boolean initialized;

  public static void main(String[] args) throws Exception {
    client = LinePeer.connect(args[0], 10000);
    LinePeer.serve(CuratorCachePeer::run);
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
