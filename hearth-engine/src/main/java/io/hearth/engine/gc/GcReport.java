package io.hearth.engine.gc;

/**
 * What a garbage collection did.
 *
 * @param packsDeleted packs removed in this run (their blobs were unreferenced by every backup)
 * @param bytesDeleted bytes those packs held
 * @param packsPending packs found unreferenced and published for deletion by a later run, because
 *     a backup was running that might still reference them (or because they are younger than the grace period)
 * @param packsKept packs still referenced
 * @param indexObjectsCompacted index objects merged into one
 */
public record GcReport(long packsDeleted, long bytesDeleted, long packsPending, long packsKept, long indexObjectsCompacted) {}
