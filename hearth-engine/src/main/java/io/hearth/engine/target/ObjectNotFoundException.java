package io.hearth.engine.target;

import java.io.FileNotFoundException;

/** The object asked for does not exist on the target. */
public final class ObjectNotFoundException extends FileNotFoundException {
    public ObjectNotFoundException(String key) {
        super("object not found: " + key);
    }
}
