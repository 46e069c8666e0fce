package io.hearth.engine;

/** Told how far a long operation has come, in bytes; called from any thread, often, so keep it cheap. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> {};

    void progress(long bytesDone, long bytesTotal);
}
