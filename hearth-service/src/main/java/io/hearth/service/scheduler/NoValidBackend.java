package io.hearth.service.scheduler;

/** No volume host fits a new volume; the message is cinder's NoValidBackend text with the reason. */
public final class NoValidBackend extends RuntimeException {
    public NoValidBackend(String reason) {
        super("No valid backend was found. " + reason);
    }
}
