package io.hearth.cli.repo;

import io.hearth.cli.CommandGroup;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.engine.HearthException;
import io.hearth.engine.crypto.KeyInfo;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.repository.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth repo key list|add|remove}: the passphrases and key files that open an encrypted repository. Rotation is
 * add then remove; the data is never rewritten, because keys only wrap the repository's own key.
 */
@Command(name = "key", mixinStandardHelpOptions = true, description = "List, add or remove the keys of an encrypted repository.")
final class KeyCommand implements CommandGroup {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(ListKeys.class, AddKey.class, RemoveKey.class);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the repository's keys.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        RepoOptions options;

        record Result(@JsonProperty("keys") List<KeyInfo> keys) {}

        @Override
        public Integer call() {
            try (Repository repository = options.open()) {
                List<KeyInfo> keys = repository.listKeys();
                Output.print(options.json, new Result(keys), keys.isEmpty() ? "the repository is not encrypted"
                        : keys.stream().map(k -> k.id() + "  " + k.kind() + "  " + k.createdAt()).collect(Collectors.joining("\n")));
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a key: the new passphrase from $HEARTH_NEW_REPO_PASSWORD, or --new-key-file.")
    static final class AddKey implements Callable<Integer> {
        @Mixin
        RepoOptions options;

        @Option(names = "--new-key-file", paramLabel = "FILE", description = "The new key: 32 bytes as 64 hex digits or base64.")
        Path newKeyFile;

        record Result(@JsonProperty("key_id") String keyId) {}

        @Override
        public Integer call() {
            RepositorySecret secret;
            if (newKeyFile != null) {
                secret = RepositorySecret.fromKeyFile(newKeyFile);
            } else {
                String passphrase = System.getenv("HEARTH_NEW_REPO_PASSWORD");
                if (passphrase == null || passphrase.isEmpty()) {
                    throw HearthException.badInput("give the new key in HEARTH_NEW_REPO_PASSWORD or --new-key-file");
                }
                secret = new RepositorySecret.Passphrase(passphrase);
            }
            try (Repository repository = options.open()) {
                String id = repository.addKey(secret);
                Output.print(options.json, new Result(id), "added key " + id);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a key (never the last one).")
    static final class RemoveKey implements Callable<Integer> {
        @Mixin
        RepoOptions options;

        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        record Result(@JsonProperty("key_id") String keyId, @JsonProperty("removed") boolean removed) {}

        @Override
        public Integer call() {
            try (Repository repository = options.open()) {
                repository.removeKey(keyId);
                Output.print(options.json, new Result(keyId, true), "removed key " + keyId);
            }
            return 0;
        }
    }
}
