// Storm's own record path, for the benchmark's anchor: Java Thrift's TSerializer (binary
// protocol) + GZIPOutputStream to encode, GZIPInputStream + TDeserializer to decode, as Storm's
// GzipThriftSerializationDelegate does. Arguments: <iterations> then <StructName>=<file> pairs,
// each file the plain-thrift bytes of one record (the same record the TypeScript side times).
// Prints one line per record: name, encode µs, decode µs (CPU time of the working thread, medians
// of 7 rounds, after warm-up).
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;

public final class StormAnchor {
  interface Work { void run() throws Exception; }

  // CPU time of this thread, the one doing the work: the machine may be shared, and waiting for a
  // core is not work. The JVM reports process CPU time only in 10 ms steps; leaving its GC threads
  // out, while Node's process CPU time includes its helpers, favours Java if anything.
  static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  static double medianMicros(int iterations, Work work) throws Exception {
    double[] rounds = new double[7];
    for (int r = 0; r < rounds.length; r++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) work.run();
      rounds[r] = (THREADS.getCurrentThreadCpuTime() - t0) / 1000.0 / iterations;
    }
    Arrays.sort(rounds);
    return rounds[rounds.length / 2];
  }

  static byte[] gzip(TSerializer serializer, TBase<?, ?> record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(serializer.serialize(record));
    }
    return out.toByteArray();
  }

  static void gunzip(TDeserializer deserializer, TBase<?, ?> into, byte[] framed) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(framed))) {
      into.clear();
      deserializer.deserialize(into, in.readAllBytes());
    }
  }

  public static void main(String[] args) throws Exception {
    int iterations = Integer.parseInt(args[0]);
    TSerializer serializer = new TSerializer(new TBinaryProtocol.Factory());
    TDeserializer deserializer = new TDeserializer(new TBinaryProtocol.Factory());
    for (int a = 1; a < args.length; a++) {
      String[] pair = args[a].split("=", 2);
      TBase<?, ?> record = (TBase<?, ?>) Class.forName(pair[0]).getDeclaredConstructor().newInstance();
      deserializer.deserialize(record, Files.readAllBytes(Paths.get(pair[1])));
      byte[] framed = gzip(serializer, record);
      TBase<?, ?> scratch = record.deepCopy();
      // JIT warm-up: well past C2's compile thresholds for both paths.
      long warmUntil = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < warmUntil) {
        gzip(serializer, record);
        gunzip(deserializer, scratch, framed);
      }
      double encode = medianMicros(iterations, () -> gzip(serializer, record));
      double decode = medianMicros(iterations, () -> gunzip(deserializer, scratch, framed));
      System.out.printf("%s %.3f %.3f%n", pair[0], encode, decode);
    }
  }
}
