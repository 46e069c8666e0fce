package io.hearth.target.gcs;

import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.cloud.storage.spi.v1.StorageRpc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The client library's in-memory Storage (LocalStorageHelper) made safe to call from many threads. Its FakeStorageRpc
 * is documented as not thread-safe: plain HashMaps, and a create-only upload that checks "does not exist" and records
 * the object in two unguarded steps. Real GCS does that check atomically, and the target's putIfAbsent relies on it;
 * calling the fake one request at a time gives the tests that same atomicity without changing what the fake answers.
 */
final class SerializedLocalStorage {
    private SerializedLocalStorage() {
    }

    /** A fresh, empty in-memory Storage whose requests run one at a time. */
    static StorageOptions options() {
        StorageOptions plain = LocalStorageHelper.customOptions(true);
        StorageRpc fake = (StorageRpc) plain.getRpc();
        Object lock = new Object();
        StorageRpc serialized = (StorageRpc) Proxy.newProxyInstance(StorageRpc.class.getClassLoader(),
                new Class<?>[] {StorageRpc.class}, (proxy, method, args) -> {
                    synchronized (lock) {
                        try {
                            return method.invoke(fake, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
        return plain.toBuilder().setServiceRpcFactory(options -> serialized).build();
    }
}
