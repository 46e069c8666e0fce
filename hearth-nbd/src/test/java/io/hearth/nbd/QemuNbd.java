package io.hearth.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real qemu-nbd on a loopback port, for the tests that compare with it or chain through it. */
final class QemuNbd implements AutoCloseable {
    private final Process process;
    private final Path log;

    private QemuNbd(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code qemu-nbd ARGS} on {@code port} and waits until it accepts connections. */
    static QemuNbd start(List<String> args, int port) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "--persistent", "--shared=8", "-b", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(args);
        Path log = Files.createTempFile("qemu-nbd", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        QemuNbd started = new QemuNbd(process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("qemu-nbd exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return started;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        started.close();
        throw new IOException("qemu-nbd did not listen on " + port);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
