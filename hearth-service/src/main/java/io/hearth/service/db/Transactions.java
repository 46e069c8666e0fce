package io.hearth.service.db;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs several DAO calls as one transaction, so a request that fails half-way (the database gone, a status that moved,
 * a quota over its limit) leaves nothing behind. The DAOs take Jdbi's handle of the current thread, so the calls made
 * inside join the transaction; messages to other services go out only after it commits.
 *
 * <p>A transaction the database chose as a deadlock victim is run again from the start (a few times), as cinder does
 * with oslo.db's retry on deadlock: MariaDB can pick one when first quota reservations of a project race. A
 * transaction started inside another joins it, and only the outermost runs again.
 */
public final class Transactions {
    private static final int ATTEMPTS = 5;

    private final Jdbi jdbi;
    private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> false);

    public Transactions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public <T> T inTransaction(Supplier<T> work) {
        if (inside.get()) {
            return work.get();
        }
        inside.set(true);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return jdbi.inTransaction(h -> work.get());
                } catch (RuntimeException e) {
                    if (attempt == ATTEMPTS || !Database.isDeadlock(e)) {
                        throw e;
                    }
                    pause(attempt);
                }
            }
        } finally {
            inside.remove();
        }
    }

    public void run(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** A short random pause, longer each time, so the transactions that met do not meet again. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before running a transaction again", e);
        }
    }
}
