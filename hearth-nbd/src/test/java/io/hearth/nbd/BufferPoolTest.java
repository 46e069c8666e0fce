package io.hearth.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The READ reply buffers: reused, sized to the request, and never more than the pool's maximum. */
class BufferPoolTest {
    @Test
    void buffersAreReusedAndNeverMoreThanTheMaximumAreMade() {
        BufferPool pool = new BufferPool(4096, 3);
        List<ByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuffer buffer = pool.take(100 + i).orElseThrow();
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.position()).isZero();
            assertThat(buffer.limit()).isEqualTo(100 + i);
            taken.add(buffer);
        }
        assertThat(pool.take(10)).as("all three in use: the caller takes the heap path").isEmpty();
        ByteBuffer returned = taken.removeFirst();
        returned.put((byte) 1);
        pool.give(returned);
        ByteBuffer again = pool.take(4096).orElseThrow();
        assertThat(again).isSameAs(returned);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(4096);
        assertThat(pool.take(10)).isEmpty();
    }
}
