// What the Curator peers share: a started Curator client and the line protocol — "ready" once
// connected, then one answer per stdin line (a command's words), until stdin closes.
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

final class LinePeer {
  private LinePeer() {}

  /** A peer's commands: the answer line to one command line, split into words. */
  interface Commands {
    String run(String[] words) throws Exception;
  }

  /** A started client of connectString, connected (or given up on) within 20 s. */
  static CuratorFramework connect(String connectString, int sessionTimeoutMs) throws InterruptedException {
    CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connectString)
        .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(5000).retryPolicy(new RetryOneTime(200)).build();
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    return client;
  }

  /**
   * Prints "ready", then answers each stdin line with commands' answer, or "error <exception>"
   * when it throws (the peer serves on); returns when stdin closes.
   */
  static void serve(Commands commands) throws IOException {
    System.out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String answer;
      try {
        answer = commands.run(line.trim().split(" "));
      } catch (Exception e) {
        answer = "error " + e;
      }
      System.out.println(answer);
    }
  }
}
