/**
 * Garbage collection, and how it runs beside everything else.
 *
 * <p>There is no global lock. Backups take a shared {@code backup} lock object; gc and index rebuild
 * take the single {@code maintenance} lock. Objects are create-only, so readers never see a partial
 * object. gc deletes in two steps (see {@link io.hearth.engine.gc.GarbageCollector}): it publishes
 * unreferenced packs in a pending list, and deletes them only once no backup that started before the
 * publication still runs, after marking again from every manifest committed meanwhile. A backup takes
 * its lock <em>before</em> it reads the pending lists and never deduplicates against a pending pack.
 *
 * <table>
 * <caption>What makes each pair safe</caption>
 * <tr><th></th><th>backup</th><th>restore / verify</th><th>delete backup</th><th>gc</th><th>rebuild-index</th></tr>
 * <tr><th>backup</th><td>safe: new packs and index objects have new names; the same block stored twice is
 *     harmless (gc drops the spare)</td><td>safe: they read committed manifests only</td><td>safe: a parent deleted
 *     meanwhile is still readable until gc, and gc waits for the backup</td><td>safe: two-step deletion, the
 *     backup's lock holds back the second step</td><td>safe: rebuild lists index objects before packs and
 *     deletes only the objects it listed</td></tr>
 * <tr><th>restore / verify</th><td></td><td>safe</td><td>a restore of the deleted backup fails cleanly if gc
 *     has run; others are unaffected</td><td>packs of committed backups are never garbage</td><td>safe: the
 *     new index objects are written before the old are deleted</td></tr>
 * <tr><th>delete backup</th><td></td><td></td><td>safe: deleting a manifest twice is a no-op</td><td>safe: a
 *     backup deleted during a gc is collected by the next</td><td>safe</td></tr>
 * <tr><th>gc</th><td></td><td></td><td></td><td>excluded: one maintenance lock</td><td>excluded: one
 *     maintenance lock</td></tr>
 * </table>
 *
 * <p>A crash anywhere leaves only unreferenced packs and index entries (removed by a later gc), stale
 * locks (ignored once stale, removed by gc), or a pending list (finished by a later gc). gc removes a pack's
 * index entries before the pack, so no index entry ever names a pack that is gone.
 */
package io.hearth.engine.gc;
