package io.hearth.service.rpc;

/** A service's entry point on the bus; returns the reply of a call (ignored for casts). */
@FunctionalInterface
public interface MessageHandler {
    Object handle(Record message) throws Exception;
}
