package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.Sizes;
import io.hearth.engine.block.Compression;
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

    record Result(@JsonProperty("repository_id") String id, @JsonProperty("path") String path,
            @JsonProperty("format_version") int formatVersion, @JsonProperty("block_size") int blockSize,
            @JsonProperty("pack_size") int packSize, @JsonProperty("compression") String compression) {}

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
        try (Repository repository = options.init(settings)) {
            RepositoryConfig config = repository.config();
            Output.print(options.json, new Result(config.id(), options.location().display(), config.formatVersion(), config.blockSize(),
                    config.packSize(), config.compression()),
                    "created repository " + config.id() + " at " + options.location().display() + " (blocks " + Sizes.format(config.blockSize())
                            + ", packs " + Sizes.format(config.packSize()) + ", " + config.compression() + ")");
        }
        return 0;
    }
}
