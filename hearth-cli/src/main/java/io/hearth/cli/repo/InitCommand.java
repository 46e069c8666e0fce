package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.Sizes;
import io.hearth.engine.HearthException;
import io.hearth.engine.block.Compression;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositoryConfig;
import io.hearth.engine.repository.RepositorySettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Create a backup repository.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Option(names = "--block-size", paramLabel = "SIZE", description = "Block size, a power of two from 4K to 16M (default 32K).")
    String blockSize;

    @Option(names = "--pack-size", paramLabel = "SIZE", description = "Pack size (default 16M).")
    String packSize;

    @Option(names = "--compression", paramLabel = "ALGORITHM", description = "zstd (default), zlib or none.")
    String compression;

    @Option(names = "--compression-level", paramLabel = "N", description = "zstd or zlib level (default: zstd 1, zlib 6).")
    Integer level;

    @Option(names = "--encrypt", description = "Encrypt the repository (AES-256-GCM, keyed block ids) under the passphrase in "
            + "$HEARTH_REPO_PASSWORD or the key in --key-file.")
    boolean encrypt;

    record Result(@JsonProperty("repository_id") String id, @JsonProperty("path") String path,
            @JsonProperty("format_version") int formatVersion, @JsonProperty("block_size") int blockSize,
            @JsonProperty("pack_size") int packSize, @JsonProperty("compression") String compression,
            @JsonProperty("encrypted") boolean encrypted) {}

    @Override
    public Integer call() {
        RepositorySettings settings = RepositorySettings.defaults();
        if (compression != null) {
            settings = settings.withCompression(Compression.fromName(compression));
        }
        if (level != null) {
            settings = settings.withCompressionLevel(level);
        }
        if (blockSize != null) {
            settings = settings.withBlockSize(Math.toIntExact(Math.min(Integer.MAX_VALUE, Sizes.parse(blockSize))));
        }
        if (packSize != null) {
            settings = settings.withPackSize(Math.toIntExact(Math.min(Integer.MAX_VALUE, Sizes.parse(packSize))));
        }
        RepositorySecret secret = options.secret();
        if (encrypt && secret instanceof RepositorySecret.None) {
            throw HearthException.badInput("--encrypt needs a passphrase in HEARTH_REPO_PASSWORD or a key in --key-file");
        }
        if (!encrypt && options.keyFile != null) {
            throw HearthException.badInput("--key-file without --encrypt: add --encrypt to make an encrypted repository");
        }
        try (Repository repository = options.init(settings, encrypt ? secret : new RepositorySecret.None())) {
            RepositoryConfig config = repository.config();
            Output.print(options.json, new Result(config.id(), options.location().display(), config.formatVersion(), config.blockSize(),
                    config.packSize(), config.compression(), config.isEncrypted()),
                    "created repository " + config.id() + " at " + options.location().display() + " (blocks " + Sizes.format(config.blockSize())
                            + ", packs " + Sizes.format(config.packSize()) + ", " + config.compression()
                            + (config.isEncrypted() ? ", encrypted" : "") + ")");
        }
        return 0;
    }
}
