package io.hearth.bench;

import io.hearth.nbd.FileExport;
import io.hearth.nbd.NbdClient;
import io.hearth.nbd.NbdServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sequential read throughput over NBD of one file, from Hearth's server and from {@code qemu-nbd} serving the same file,
 * each read by {@code nbdcopy} (to {@code null:}) and by Hearth's Java client (4 threads taking 4 MiB reads in turn into
 * direct buffers, as a backup's reader does). The rounds alternate the servers; the medians are printed.
 *
 * <pre>NbdReadThroughput FILE [ROUNDS]</pre>
 */
public final class NbdReadThroughput {
    private static final int CHUNK = 4 << 20;
    private static final int THREADS = 4;

    private NbdReadThroughput() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, List<Double>> seconds = new TreeMap<>();
        int qemuPort = freePort();
        Process qemu = new ProcessBuilder("qemu-nbd", "-r", "-f", "raw", "-x", "bench", "--persistent", "--shared=8", "-b", "127.0.0.1",
                "-p", Integer.toString(qemuPort), file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (NbdServer hearth = NbdServer.start(NbdServer.Options.loopback()); FileExport export = FileExport.readOnly(file)) {
            hearth.addExport("bench", export);
            awaitListening(qemuPort);
            long size = export.size();
            for (int round = 0; round < rounds; round++) {
                for (var server : Map.of("hearth", hearth.port(), "qemu-nbd", qemuPort).entrySet()) {
                    String uri = "nbd://127.0.0.1:" + server.getValue() + "/bench";
                    record(seconds, server.getKey() + " / nbdcopy", time(() -> nbdcopy(uri)), size);
                    record(seconds, server.getKey() + " / Java client", time(() -> javaClient(server.getValue(), size)), size);
                }
            }
            System.out.printf(Locale.ROOT, "%n%s: %.0f MiB, %d rounds, %d cores%n%n", file.getFileName(), size / 1048576.0, rounds,
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| server / reader | median s | MiB/s (median) | min s | max s |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (var entry : seconds.entrySet()) {
                List<Double> sorted = entry.getValue().stream().sorted().toList();
                double median = sorted.get(sorted.size() / 2);
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f | %.2f | %.2f |%n", entry.getKey(), median, size / 1048576.0 / median,
                        sorted.getFirst(), sorted.getLast());
            }
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double time(Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void record(Map<String, List<Double>> seconds, String what, double s, long size) {
        seconds.computeIfAbsent(what, k -> new ArrayList<>()).add(s);
        System.err.printf(Locale.ROOT, "%s: %.2f s (%.0f MiB/s)%n", what, s, size / 1048576.0 / s);
    }

    private static void nbdcopy(String uri) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("nbdcopy", uri, "null:").inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("nbdcopy " + uri + " failed");
        }
    }

    private static void javaClient(int port, long size) throws Exception {
        AtomicLong next = new AtomicLong();
        try (NbdClient client = NbdClient.connect(NbdClient.Target.plain("127.0.0.1", port, "bench"), Duration.ofSeconds(10));
                ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                readers.add(pool.submit(() -> {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
                    for (long at = next.getAndAdd(CHUNK); at < size; at = next.getAndAdd(CHUNK)) {
                        client.read(buffer.clear().limit((int) Math.min(CHUNK, size - at)), at);
                    }
                    return null;
                }));
            }
            for (Future<?> reader : readers) {
                reader.get();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("qemu-nbd did not listen on " + port);
    }
}
