package io.hearth.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** An export whose every change (write, trim, write-zeroes) is marked in a {@link DirtyMap} before it is made. */
public final class TrackedExport implements NbdExport {
    private final NbdExport export;
    private final DirtyMap map;

    public TrackedExport(NbdExport export, DirtyMap map) {
        this.export = export;
        this.map = map;
    }

    @Override
    public long size() {
        return export.size();
    }

    @Override
    public boolean readOnly() {
        return export.readOnly();
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        export.read(destination, offset);
    }

    @Override
    public void write(ByteBuffer source, long offset, boolean fua) throws IOException {
        map.change(offset, source.remaining(), () -> export.write(source, offset, fua));
    }

    @Override
    public void flush() throws IOException {
        export.flush();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        map.change(offset, length, () -> export.trim(offset, length, fua));
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunch, boolean fua) throws IOException {
        map.change(offset, length, () -> export.writeZeroes(offset, length, mayPunch, fua));
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return export.extents(offset, length);
    }
}
