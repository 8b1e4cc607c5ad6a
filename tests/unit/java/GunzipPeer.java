import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Reads gzip data as Storm does (java.util.zip.GZIPInputStream, Storm's GzipSerializationDelegate):
 * one hex-encoded member per stdin line, answered with the hex of its content or "error <reason>".
 */
public final class GunzipPeer {
  public static void main(String[] args) throws Exception {
    HexFormat hex = HexFormat.of();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null;) {
      try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(hex.parseHex(line)))) {
        System.out.println(hex.formatHex(gz.readAllBytes()));
      } catch (Exception e) {
        System.out.println("error " + e);
      }
      System.out.flush();
    }
  }
}
