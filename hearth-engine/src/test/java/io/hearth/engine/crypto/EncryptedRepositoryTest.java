package io.hearth.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.TestRepositories;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedRepositoryTest {
    private static final String MARKER = "HEARTH-PLAINTEXT-MARKER";
    private static final String VOLUME_NAME = "payroll-database-volume";
    private static final RepositorySecret PASSPHRASE = new RepositorySecret.Passphrase("correct horse battery staple");

    @TempDir
    Path dir;

    private Path repo() {
        return dir.resolve("repo");
    }

    private Repository init(RepositorySecret secret) throws IOException {
        return Repository.init(new PosixTarget(repo()), TestRepositories.tiny(), dir.resolve("cache"), secret);
    }

    private Repository open(RepositorySecret secret) throws IOException {
        return Repository.open(new PosixTarget(repo()), dir.resolve("cache-" + UUID.randomUUID()), secret);
    }

    /** Blocks of text with the marker (compressible), random blocks, holes. */
    private Path image() throws IOException {
        Path image = dir.resolve("image");
        Random random = new Random(11);
        int block = TestRepositories.BLOCK;
        ByteBuffer data = ByteBuffer.allocate(64 * block);
        for (int i = 0; i < 64; i++) {
            byte[] content = new byte[block];
            switch (i % 4) {
                case 0 -> {
                    StringBuilder text = new StringBuilder();
                    while (text.length() < block) {
                        text.append(MARKER).append(' ').append(random.nextInt(1000)).append(" row ").append(i).append('\n');
                    }
                    System.arraycopy(text.toString().getBytes(StandardCharsets.US_ASCII), 0, content, 0, block);
                }
                case 1, 2 -> random.nextBytes(content);
                default -> { } // zeros: a hole
            }
            data.put(content);
        }
        Files.write(image, data.array());
        return image;
    }

    private static String backup(Repository repository, Path image, String parent, List<ByteRange> changed) throws IOException {
        try (FileBlockSource source = FileBlockSource.open(image)) {
            return repository.backup(new BackupRequest(UUID.randomUUID().toString(), source, Optional.ofNullable(parent),
                    Optional.ofNullable(changed), new BackupRequest.BackupLabels("vol-1", null, "project", VOLUME_NAME,
                            "quarterly " + MARKER, Map.of("owner", "finance-" + MARKER), java.time.Instant.now())),
                    ProgressListener.NONE).id();
        }
    }

    /** Every way the target could give content away: the marker, the labels, any block's unkeyed SHA-256. */
    private List<String> leaks(Path image) throws Exception {
        byte[] volume = Files.readAllBytes(image);
        List<byte[]> needles = new ArrayList<>();
        needles.add(MARKER.getBytes(StandardCharsets.US_ASCII));
        needles.add(VOLUME_NAME.getBytes(StandardCharsets.US_ASCII));
        int block = TestRepositories.BLOCK;
        for (int offset = 0; offset < volume.length; offset += block) {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(volume, offset, offset + block));
            needles.add(hash);
            needles.add(HexFormat.of().formatHex(hash).getBytes(StandardCharsets.US_ASCII));
        }
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repo())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (byte[] needle : needles) {
                    if (indexOf(bytes, needle) >= 0) {
                        found.add(repo().relativize(file) + " holds " + (needle.length == 32 ? "a block hash" : new String(needle,
                                StandardCharsets.US_ASCII)));
                    }
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, byte[]> snapshot(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    @Test
    void anEncryptedRepositoryBacksUpRestoresVerifiesAndCollects() throws Exception {
        Path image = image();
        String full;
        String incremental;
        try (Repository repository = init(PASSPHRASE)) {
            assertThat(repository.config().isEncrypted()).isTrue();
            full = backup(repository, image, null, null);
            byte[] changed = new byte[TestRepositories.BLOCK];
            new Random(5).nextBytes(changed);
            try (var channel = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(changed), 3L * TestRepositories.BLOCK);
            }
            incremental = backup(repository, image, full, List.of(new ByteRange(3L * TestRepositories.BLOCK, TestRepositories.BLOCK)));
        }
        try (Repository repository = open(PASSPHRASE)) {
            Path restored = dir.resolve("restored");
            repository.restore(incremental, restored, ProgressListener.NONE);
            assertThat(Files.mismatch(restored, image)).isEqualTo(-1L);
            assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
            assertThat(repository.findBackup(full).orElseThrow().name()).isEqualTo(VOLUME_NAME);
            repository.deleteBackup(full);
            repository.gc(java.time.Duration.ZERO);
            repository.gc(java.time.Duration.ZERO);
            Path again = dir.resolve("again");
            repository.restore(incremental, again, ProgressListener.NONE);
            assertThat(Files.mismatch(again, image)).isEqualTo(-1L);
        }
    }

    @Test
    void theTargetNeverSeesPlaintextNorUnkeyedHashes() throws Exception {
        Path image = image();
        try (Repository repository = init(PASSPHRASE)) {
            backup(repository, image, null, null);
        }
        assertThat(leaks(image)).isEmpty();
    }

    @Test
    void theLeakCheckFindsWhatAPlainRepositoryShows() throws Exception {
        // The control for the test above: without encryption the same scan must find the content.
        Path image = image();
        try (Repository repository = init(new RepositorySecret.None())) {
            backup(repository, image, null, null);
        }
        assertThat(leaks(image)).anyMatch(leak -> leak.contains("a block hash")).anyMatch(leak -> leak.contains(MARKER))
                .anyMatch(leak -> leak.contains(VOLUME_NAME));
    }

    @Test
    void aWrongOrMissingSecretIsRefusedAndChangesNothing() throws Exception {
        try (Repository repository = init(PASSPHRASE)) {
            backup(repository, image(), null, null);
        }
        Map<String, byte[]> before = snapshot(repo());
        assertThatThrownBy(() -> open(new RepositorySecret.Passphrase("wrong"))).isInstanceOf(HearthException.class)
                .hasMessageContaining("no key of this repository opens with the given passphrase")
                .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
        assertThatThrownBy(() -> open(new RepositorySecret.None())).isInstanceOf(HearthException.class)
                .hasMessageContaining("HEARTH_REPO_PASSWORD");
        assertThatThrownBy(() -> open(new RepositorySecret.KeyMaterial(new byte[32]))).isInstanceOf(HearthException.class)
                .hasMessageContaining("key file");
        assertThat(snapshot(repo())).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void keysRotateWithoutRewritingData() throws Exception {
        Path image = image();
        String backupId;
        String oldKey;
        try (Repository repository = init(PASSPHRASE)) {
            backupId = backup(repository, image, null, null);
            oldKey = repository.listKeys().getFirst().id();
        }
        Map<String, byte[]> dataBefore = snapshot(repo().resolve("packs"));
        RepositorySecret keyFile = new RepositorySecret.KeyMaterial(HexFormat.of().parseHex("00112233445566778899aabbccddeeff".repeat(2)));
        try (Repository repository = open(PASSPHRASE)) {
            String added = repository.addKey(keyFile);
            assertThat(repository.listKeys()).extracting(KeyInfo::id).containsExactlyInAnyOrder(oldKey, added);
            assertThat(repository.listKeys()).extracting(KeyInfo::kind).containsExactlyInAnyOrder("passphrase", "key file");
            repository.removeKey(oldKey);
            assertThatThrownBy(() -> repository.removeKey(added)).isInstanceOf(HearthException.class)
                    .hasMessageContaining("last key");
            assertThatThrownBy(() -> repository.removeKey("../../config")).hasMessageContaining("invalid key id");
        }
        assertThatThrownBy(() -> open(PASSPHRASE)).hasMessageContaining("no key of this repository opens");
        try (Repository repository = open(keyFile)) {
            Path restored = dir.resolve("restored");
            repository.restore(backupId, restored, ProgressListener.NONE);
            assertThat(Files.mismatch(restored, image)).isEqualTo(-1L);
        }
        assertThat(snapshot(repo().resolve("packs"))).usingRecursiveComparison().isEqualTo(dataBefore);
    }

    @Test
    void tamperedBlobsAndManifestsAreCorruptNeverWrongData() throws Exception {
        Path image = image();
        String backupId;
        try (Repository repository = init(PASSPHRASE)) {
            backupId = backup(repository, image, null, null);
        }
        Path pack;
        try (Stream<Path> packs = Files.walk(repo().resolve("packs"))) {
            pack = packs.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(pack);
        bytes[40] ^= 1; // inside the first blob's ciphertext (past its 12-byte nonce)
        Files.write(pack, bytes);
        try (Repository repository = open(PASSPHRASE)) {
            assertThat(repository.verify(Optional.empty(), true, ProgressListener.NONE).problems())
                    .anyMatch(problem -> problem.contains("fails authentication"));
        }

        Path manifest = repo().resolve("backups").resolve(backupId + ".json");
        byte[] sealed = Files.readAllBytes(manifest);
        sealed[sealed.length - 1] ^= 1;
        Files.write(manifest, sealed);
        try (Repository repository = open(PASSPHRASE)) {
            assertThatThrownBy(() -> repository.findBackup(backupId)).isInstanceOf(HearthException.class)
                    .satisfies(e -> assertThat(((HearthException) e).category()).isEqualTo(ErrorCategory.CORRUPT))
                    .hasMessageContaining("manifest of backup " + backupId);
        }
    }

    @Test
    void aPlainRepositoryHasNoKeys() throws Exception {
        try (Repository repository = init(new RepositorySecret.None())) {
            assertThat(repository.config().isEncrypted()).isFalse();
            assertThat(repository.listKeys()).isEmpty();
            assertThatThrownBy(() -> repository.addKey(PASSPHRASE)).hasMessageContaining("not encrypted");
        }
        assertThat(Files.readString(repo().resolve("config"))).doesNotContain("encryption").contains("\"sha256\"");
    }
}
