package io.hearth.service.rpc;

/**
 * A handler's answer to a cast whose work it has recorded durably (in SQL, where the recovery of a dead host finds
 * it): the bus acknowledges the delivery at once and then runs {@code rest}. Long work thus never holds a delivery
 * unacknowledged past the broker's {@code consumer_timeout}, and a crash before the record still leaves the message
 * to be delivered again. Not for calls: their reply is the handler's return value.
 */
public record Accepted(Work rest) {
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }
}
