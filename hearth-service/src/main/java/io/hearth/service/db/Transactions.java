package io.hearth.service.db;

import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs several DAO calls as one transaction, so a request that fails half-way (the database gone, a status that moved,
 * a quota over its limit) leaves nothing behind. The DAOs take Jdbi's handle of the current thread, so the calls made
 * inside join the transaction; messages to other services go out only after it commits.
 */
public final class Transactions {
    private final Jdbi jdbi;

    public Transactions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public <T> T inTransaction(Supplier<T> work) {
        return jdbi.inTransaction(h -> work.get());
    }

    public void run(Runnable work) {
        jdbi.useTransaction(h -> work.run());
    }
}
