package io.hearth.engine.restore;

/**
 * What a restore did.
 *
 * @param bytesTotal the restored volume's size
 * @param bytesWritten bytes of data written (zero blocks are left as holes, not written)
 * @param blocksZero blocks left as holes
 * @param seconds wall-clock duration
 */
public record RestoreResult(long bytesTotal, long bytesWritten, long blocksZero, double seconds) {}
